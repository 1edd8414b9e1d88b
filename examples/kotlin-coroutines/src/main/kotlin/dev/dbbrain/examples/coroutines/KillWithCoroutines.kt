package dev.dbbrain.examples.coroutines

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest
import dev.dbbrain.reactive.DbbrainClient
import dev.dbbrain.reactive.TaskInfo
import dev.dbbrain.reactive.auth.Credentials
import dev.dbbrain.reactive.emulator.DbbrainEmulator
import java.time.Duration
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.last
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.reactive.asFlow
import kotlinx.coroutines.reactor.awaitSingle
import kotlinx.coroutines.runBlocking

/**
 * Starts a kill of [instanceId]'s proxy sessions and answers the task's ID: the `Mono` awaited without blocking a
 * thread.
 */
suspend fun DbbrainClient.startKill(instanceId: String): Long =
    createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instanceId)).awaitSingle().asyncRequestId()

/**
 * The task's states until it ends, as a cold [Flow] over the client's shared, demand-driven watch. Cancelling the
 * collecting coroutine cancels the watch's subscription (and, when it was the task's last subscriber, its polls).
 */
fun DbbrainClient.states(instanceId: String, task: Long): Flow<TaskInfo> = watch(instanceId, task).asFlow()

/** Kills [instanceId]'s proxy sessions and suspends until the task ends; answers its last state. */
suspend fun DbbrainClient.kill(instanceId: String, onState: (TaskInfo) -> Unit = {}): TaskInfo =
    states(instanceId, startKill(instanceId)).onEach(onState).last()

/**
 * Kills every instance concurrently and answers their last states in order. Structured concurrency: when one kill
 * fails, the others are cancelled (their watches with them) and the failure is thrown here.
 */
suspend fun DbbrainClient.killAll(instanceIds: List<String>): List<TaskInfo> = coroutineScope {
    instanceIds.map { id -> async { kill(id) } }.awaitAll()
}

/** Kills three instances' proxy sessions against a local emulator, printing each task's progress. */
fun main() {
    DbbrainEmulator.builder().credentials("AKIDkotlin", "kotlin-secret-key").stepDuration(Duration.ofMillis(200))
        .start().use { emulator ->
            DbbrainClient.builder()
                .endpoint(emulator.endpoint())
                .credentials(Credentials.of("AKIDkotlin", "kotlin-secret-key"))
                .build().use { client ->
                    runBlocking {
                        val last = client.kill("crs-kotlin01") { println("${it.instanceId()}: ${it.status()} ${it.progress()}%") }
                        println("ended ${last.status()}")
                        client.killAll(listOf("crs-kotlin02", "crs-kotlin03")).forEach {
                            println("${it.instanceId()}: ${it.status()}")
                        }
                    }
                }
        }
}
