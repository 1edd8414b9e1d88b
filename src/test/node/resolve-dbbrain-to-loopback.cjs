'use strict';
// Preloaded (node --require) into the process that drives the official Node SDK against the emulator: the name
// dbbrain.tencentcloudapi.com resolves to 127.0.0.1, as a hosts-file entry would make it, and every other name
// fails to resolve, so nothing in that process can ever reach the real Tencent Cloud (or any other host).
// IP literals need no lookup and pass untouched; DNS queries proper (dns.resolve*) are refused too.
const dns = require('dns');
const net = require('net');

const NAME = 'dbbrain.tencentcloudapi.com';
const LOOPBACK = '127.0.0.1';

function notFound(hostname) {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (only ${NAME} resolves here, to ${LOOPBACK})`),
    { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });
}

function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  } else if (typeof options === 'number') {
    options = { family: options };
  }
  options = options || {};
  const name = String(hostname).toLowerCase();
  const literal = net.isIP(name);
  const address = literal ? name : (name === NAME || name === 'localhost' ? LOOPBACK : null);
  if (address === null) {
    process.nextTick(callback, notFound(hostname));
    return;
  }
  const family = literal || 4;
  if (options.all) {
    process.nextTick(callback, null, [{ address, family }]);
  } else {
    process.nextTick(callback, null, address, family);
  }
}

dns.lookup = lookup;
dns.promises.lookup = (hostname, options) => new Promise((resolve, reject) =>
  lookup(hostname, options, (error, address, family) => {
    if (error) {
      reject(error);
    } else {
      resolve(options && options.all ? address : { address, family });
    }
  }));
for (const key of Object.keys(dns)) {
  if (key.startsWith('resolve') && typeof dns[key] === 'function') {
    dns[key] = (...args) => process.nextTick(args[args.length - 1],
      Object.assign(new Error('DNS queries are refused in this process'), { code: 'EREFUSED' }));
  }
}
