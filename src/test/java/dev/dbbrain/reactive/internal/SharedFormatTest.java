package dev.dbbrain.reactive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

/** The one naming of the keys a fleet shares: a version in every name, an account's keys in one Cluster slot. */
class SharedFormatTest {

    @Test
    void aRateBucketsKeyNamesItsVersionAndTheAccountsHashTag() {
        assertThat(SharedFormat.RATE_BUCKET.key("dbbrain:rate", "0af3", "DescribeProxySessionKillTasks"))
                .isEqualTo("dbbrain:rate:v1:{0af3}:DescribeProxySessionKillTasks");
    }

    @Test
    void theRateBucketsPreviousLayoutIsTheUnversionedKeyOfEarlierBuilds() {
        assertThat(SharedFormat.RATE_BUCKET.previousVersion()).isZero();
        assertThat(SharedFormat.RATE_BUCKET.previousKey("dbbrain:rate", "0af3", "CreateProxySessionKillTask"))
                .isEqualTo("dbbrain:rate:{0af3}:CreateProxySessionKillTask");
    }

    @Test
    void aSharedWatchsStateSlotAndChannelNameTheirVersionAndTheAccountsHashTag() {
        assertThat(SharedFormat.WATCH_STATE.key("dbbrain:watch", "0af3", "state:crs-abcd1234:42"))
                .isEqualTo("dbbrain:watch:v1:{0af3}:state:crs-abcd1234:42");
        assertThat(SharedFormat.WATCH_SLOT.key("dbbrain:watch", "0af3", "slot:crs-abcd1234:42"))
                .isEqualTo("dbbrain:watch:v1:{0af3}:slot:crs-abcd1234:42");
        assertThat(SharedFormat.WATCH_PUBLISHED.key("dbbrain:watch", "0af3", "published"))
                .isEqualTo("dbbrain:watch:v1:{0af3}:published");
        assertThat(SharedFormat.WATCH_STATE.previousKey("dbbrain:watch", "0af3", "x")).isNull();
    }

    @Test
    void everyVersionOfAnAccountsKeysHashesToOneClusterSlot() {
        String account = SharedFormat.account("AKIDsharedFormat0001");
        for (SharedFormat format : SharedFormat.values()) {
            String key = format.key("p", account, "x");
            assertThat(SlotHash.getSlot(key)).isEqualTo(SlotHash.getSlot("{" + account + "}"));
            String previous = format.previousKey("p", account, "x");
            if (previous != null) {
                assertThat(SlotHash.getSlot(previous)).isEqualTo(SlotHash.getSlot(key));
            }
        }
    }

    @Test
    void everyFormatHasAVersionLaterThanTheOneItReplaced() {
        for (SharedFormat format : SharedFormat.values()) {
            assertThat(format.version()).isPositive();
            assertThat(format.previousVersion()).isLessThan(format.version())
                    .isGreaterThanOrEqualTo(SharedFormat.NONE);
        }
    }

    @Test
    void theAccountIsA128BitHashAndNeverTheSecretId() {
        String account = SharedFormat.account("AKIDsharedFormat0001");
        assertThat(account).hasSize(32).matches("[0-9a-f]{32}").doesNotContain("AKID");
        assertThat(SharedFormat.account("AKIDsharedFormat0001")).isEqualTo(account);
        assertThat(SharedFormat.account("AKIDsharedFormat0002")).isNotEqualTo(account);
        assertThat(SharedFormat.account(null)).isEqualTo("-");
    }
}
