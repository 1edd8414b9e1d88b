'use strict';
// Drives the official Node SDK (tencentcloud-sdk-nodejs, unchanged) against the DBbrain emulator and prints one
// line per case: RESULT <tab> case <tab> ok|error <tab> details. Run by OfficialNodeSdkConformanceIT with
// --require resolve-dbbrain-to-loopback.cjs, so that the endpoint's name reaches the emulator and nothing else.
//
// usage: node drive-official-sdk.cjs ENDPOINT PROTOCOL SECRET_ID SECRET_KEY INSTANCE_ID
//   ENDPOINT  dbbrain.tencentcloudapi.com:PORT     PROTOCOL  http:// or https://
const tencentcloud = require('tencentcloud-sdk-nodejs');

const [endpoint, protocol, secretId, secretKey, instanceId] = process.argv.slice(2);
const Client = tencentcloud.dbbrain.v20210527.Client;

function client(signMethod, reqMethod, id = secretId, key = secretKey) {
  return new Client({
    credential: { secretId: id, secretKey: key },
    profile: { signMethod, httpProfile: { endpoint, protocol, reqMethod, reqTimeout: 30 } },
  });
}

function print(name, outcome, details) {
  process.stdout.write(['RESULT', name, outcome, details].join('\t') + '\n');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function createAndDescribeToTheEnd(name, signMethod, reqMethod) {
  const sdk = client(signMethod, reqMethod);
  try {
    const created = await sdk.CreateProxySessionKillTask({ InstanceId: instanceId, Product: 'redis' });
    const id = created.AsyncRequestId;
    let describes = 0;
    for (;;) {
      const described = await sdk.DescribeProxySessionKillTasks(
        { InstanceId: instanceId, AsyncRequestIds: [id], Product: 'redis' });
      describes++;
      const task = described.Tasks[0];
      if (task.TaskStatus === 'finished' || task.TaskStatus === 'failed' || describes >= 200) {
        print(name, 'ok', `id=${id} status=${task.TaskStatus} describes=${describes} total=${described.TotalCount}`);
        return;
      }
      await sleep(100);
    }
  } catch (e) {
    print(name, 'error', `${e.code || 'none'} ${String(e.message).replace(/\s+/g, ' ')}`);
  }
}

async function expectRefusal(name, signMethod, reqMethod, id, key) {
  try {
    const created = await client(signMethod, reqMethod, id, key)
      .CreateProxySessionKillTask({ InstanceId: instanceId, Product: 'redis' });
    print(name, 'ok', `id=${created.AsyncRequestId}`);
  } catch (e) {
    print(name, 'error', `${e.code || 'none'} ${String(e.message).replace(/\s+/g, ' ')}`);
  }
}

(async () => {
  await createAndDescribeToTheEnd('tc3-post', 'TC3-HMAC-SHA256', 'POST');
  await createAndDescribeToTheEnd('tc3-get', 'TC3-HMAC-SHA256', 'GET');
  await createAndDescribeToTheEnd('v1-hmacsha256-post', 'HmacSHA256', 'POST');
  await createAndDescribeToTheEnd('v1-hmacsha1-post', 'HmacSHA1', 'POST');
  await createAndDescribeToTheEnd('v1-hmacsha256-get', 'HmacSHA256', 'GET');
  await expectRefusal('tc3-wrong-key', 'TC3-HMAC-SHA256', 'POST', secretId, `${secretKey}-wrong`);
  await expectRefusal('v1-wrong-key', 'HmacSHA256', 'POST', secretId, `${secretKey}-wrong`);
  await expectRefusal('unknown-secret-id', 'TC3-HMAC-SHA256', 'POST', 'AKIDnobodyknowsthisone', secretKey);
})();
