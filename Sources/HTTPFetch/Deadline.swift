import NIOCore
import Synchronization

/// Runs `operation` until `deadline`: returns its result, or throws ``HTTPFetchError/timeout(_:)`` at the deadline
/// without waiting for it (the operation is then cancelled and its late result dropped). Cancelling the caller
/// throws ``HTTPFetchError/cancelled(_:)`` at once.
///
/// A task group would wait for every child, including a DNS query that does not react to cancellation; this race
/// returns on time whatever the operation does.
func withDeadline<T: Sendable>(
    _ deadline: NIODeadline, url: String, _ operation: @escaping @Sendable () async throws(HTTPFetchError) -> T
) async throws(HTTPFetchError) -> T {
    let race = DeadlineRace<T>()
    let result = await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, HTTPFetchError>, Never>) in
            race.start(continuation, deadline: deadline, url: url, operation)
        }
    } onCancel: {
        race.finish(.failure(.cancelled(url)))
    }
    return try result.get()
}

/// The shared state of one ``withDeadline(_:url:_:)``: whoever finishes first resumes the caller, once.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<T, HTTPFetchError>, Never>?
        var early: Result<T, HTTPFetchError>?
        var tasks: [Task<Void, Never>] = []
        var done = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Result<T, HTTPFetchError>, Never>, deadline: NIODeadline, url: String,
               _ operation: @escaping @Sendable () async throws(HTTPFetchError) -> T) {
        let early: Result<T, HTTPFetchError>? = state.withLock { state in
            if state.done { return state.early }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(returning: early)
            return
        }
        let work = Task {
            let result: Result<T, HTTPFetchError>
            do throws(HTTPFetchError) { result = .success(try await operation()) } catch { result = .failure(error) }
            self.finish(result)
        }
        let nanoseconds = max((deadline - .now()).nanoseconds, 0)
        let timer = Task {
            try? await Task.sleep(for: .nanoseconds(nanoseconds))
            if !Task.isCancelled { self.finish(.failure(.timeout(url))) }
        }
        let finished = state.withLock { state in
            state.tasks = [work, timer]
            return state.done
        }
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Result<T, HTTPFetchError>) {
        let (continuation, tasks): (CheckedContinuation<Result<T, HTTPFetchError>, Never>?, [Task<Void, Never>]) = state.withLock { state in
            guard !state.done else { return (nil, []) }
            state.done = true
            state.early = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        continuation?.resume(returning: result)
        for task in tasks { task.cancel() }
    }
}
