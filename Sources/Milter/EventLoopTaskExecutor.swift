import NIOCore

/// Runs a task's jobs, and those of its child tasks, on one event loop (SE-0417 task executor preference).
///
/// The filter's answer to a hooked command runs where its connection lives: with warm DNS caches SPF, DKIM and DMARC
/// finish without a thread switch, and the reply is written without waking another thread. The price: the filter's
/// CPU work (hashing a body of up to ``MilterLimits/defaultMaximumBodyOctets``) runs on that loop too, and the other
/// connections it serves wait meanwhile.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
