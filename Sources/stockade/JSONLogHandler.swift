import Foundation
import Logging

/// `--log-format json`: one JSON object a line on standard error, `{"time", "level", "label", "message", "source",
/// "metadata"}`, for log collectors that parse structured lines.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    private struct Line: Encodable {
        let time: String
        let level: String
        let label: String
        let message: String
        let source: String
        let metadata: [String: String]?
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit { merged.merge(explicit) { $1 } }
        let entry = Line(time: Date().formatted(.iso8601.time(includingFractionalSeconds: true).year().month().day()
                                                    .dateTimeSeparator(.standard).timeZone(separator: .omitted)),
                         level: level.rawValue, label: label, message: message.description, source: source,
                         metadata: merged.isEmpty ? nil : merged.mapValues(\.description))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var bytes = try? encoder.encode(entry) else { return }
        bytes.append(0x0A)
        FileHandle.standardError.write(bytes)
    }
}
