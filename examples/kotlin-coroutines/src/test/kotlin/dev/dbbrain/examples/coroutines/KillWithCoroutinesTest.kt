package dev.dbbrain.examples.coroutines

import dev.dbbrain.reactive.DbbrainApiException
import dev.dbbrain.reactive.DbbrainClient
import dev.dbbrain.reactive.TaskStatus
import dev.dbbrain.reactive.WatchOptions
import dev.dbbrain.reactive.auth.Credentials
import dev.dbbrain.reactive.emulator.DbbrainEmulator
import java.time.Duration
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

/** The library from coroutines against the emulator: awaiting, flows, structured concurrency, cancellation. */
class KillWithCoroutinesTest {

    private val emulators = mutableListOf<DbbrainEmulator>()
    private val clients = mutableListOf<DbbrainClient>()

    @AfterEach
    fun close() {
        clients.forEach(DbbrainClient::close)
        emulators.forEach(DbbrainEmulator::stop)
    }

    /** A client of an emulator whose tasks take [step] per step (four steps to finish). */
    private fun client(step: Duration): Pair<DbbrainClient, DbbrainEmulator> {
        val emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(step).start()
        emulators += emulator
        val client = DbbrainClient.builder()
            .endpoint(emulator.endpoint())
            .credentials(Credentials.of(ID, KEY))
            .watchOptions(WatchOptions.defaults().pollInterval(Duration.ofMillis(50)))
            .build()
        clients += client
        return client to emulator
    }

    @Test
    fun `a kill awaited in a coroutine ends finished with every state seen on the way`() = runBlocking {
        val (client, emulator) = client(Duration.ofMillis(100))
        val seen = mutableListOf<String>()

        val last = withTimeout(WAIT) { client.kill("crs-kotlin01") { seen += it.status() } }

        assertEquals(TaskStatus.FINISHED, last.taskStatus())
        assertEquals(100, last.progress())
        assertEquals("finished", seen.last())
        assertEquals(1, emulator.stats().tasks().size)
    }

    @Test
    fun `kills started together in one scope all finish`() = runBlocking {
        val (client, emulator) = client(Duration.ofMillis(100))
        val ids = listOf("crs-kotlin02", "crs-kotlin03", "crs-kotlin04")

        val states = withTimeout(WAIT) { client.killAll(ids) }

        assertEquals(ids, states.map { it.instanceId() })
        assertTrue(states.all { it.taskStatus() == TaskStatus.FINISHED })
        assertEquals(3, emulator.stats().tasks().size)
    }

    @Test
    fun `cancelling the collecting coroutine cancels the watch and its polls`() = runBlocking {
        val (client, emulator) = client(Duration.ofMinutes(10))
        val task = client.startKill("crs-kotlin05")
        val first = CompletableDeferred<String>()

        val collector = launch { client.states("crs-kotlin05", task).collect { first.complete(it.status()) } }
        assertEquals("created", withTimeout(WAIT) { first.await() })
        assertEquals(1, client.stats().watchSubscribers())

        collector.cancelAndJoin()

        eventually { client.stats().watchSubscribers() == 0 && client.stats().watchedTasks() == 0 }
        val polls = describes(emulator)
        delay(300)   // six poll intervals: a poll loop still running would have polled again
        assertEquals(polls, describes(emulator), "polls after the cancellation")
    }

    @Test
    fun `a failing sibling cancels a running kill and its watch`() = runBlocking {
        val (client, _) = client(Duration.ofMinutes(10))

        val failure = assertFailsWith<IllegalStateException> {
            coroutineScope {
                launch { client.kill("crs-kotlin06") }
                eventually { client.stats().watchSubscribers() == 1 }
                throw IllegalStateException("a sibling failed")
            }
        }

        assertEquals("a sibling failed", failure.message)
        eventually { client.stats().watchSubscribers() == 0 && client.stats().watchedTasks() == 0 }
    }

    @Test
    fun `a failed kill is thrown to the scope as the library's typed exception and cancels the others`() =
        runBlocking {
            val (client, _) = client(Duration.ofMinutes(10))

            val failure = assertFailsWith<DbbrainApiException> {
                client.killAll(listOf("crs-kotlin07", "crs-NOT-AN-ID"))
            }

            assertEquals("ResourceNotFound", failure.code())
            eventually { client.stats().watchSubscribers() == 0 && client.stats().watchedTasks() == 0 }
        }

    @Test
    fun `a timeout around a kill cancels its watch`() = runBlocking {
        val (client, _) = client(Duration.ofMinutes(10))

        assertNull(withTimeoutOrNull(1_000) { client.kill("crs-kotlin08") })

        eventually { client.stats().watchSubscribers() == 0 && client.stats().watchedTasks() == 0 }
    }

    private fun describes(emulator: DbbrainEmulator): Long =
        emulator.stats().requests().getOrDefault("DescribeProxySessionKillTasks", 0L)

    private suspend fun eventually(condition: () -> Boolean) = withTimeout(WAIT) {
        while (!condition()) {
            delay(10)
        }
    }

    private companion object {
        const val ID = "AKIDkotlin"
        const val KEY = "kotlin-secret-key"
        const val WAIT = 30_000L
    }
}
