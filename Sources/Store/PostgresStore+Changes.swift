import Logging
import PostgresNIO

extension PostgresStore: DirectoryChangeFeed {
    /// The channel the triggers of migration `v2-directory-notify` notify, one per schema.
    var directoryChannel: String { "stockade_directory_" + (schema ?? "public") }

    /// Listens on one pooled connection for as long as the stream is consumed; a lost connection is replaced after a
    /// second, and each new listen starts with ``DirectoryChange/everything`` since notifications in between are lost.
    public func directoryChanges() -> AsyncStream<DirectoryChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: DirectoryChange.self, bufferingPolicy: .bufferingNewest(10_000))
        let task = Task { [client, directoryChannel, logger] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: directoryChannel) { notifications in
                            continuation.yield(.everything)
                            for try await notification in notifications {
                                if let change = DirectoryChange(payload: notification.payload) { continuation.yield(change) }
                            }
                        }
                    }
                } catch {
                    guard !Task.isCancelled else { break }
                    logger.warning("directory change listener lost its connection", metadata: ["error": "\(Self.describe(error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
