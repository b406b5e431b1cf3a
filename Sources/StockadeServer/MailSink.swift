import Foundation
import KeyServer
import SMTP
import Store

/// For development only: the outbox's transport when `mail.sink` is set. Each message is written, in the RFC 5322 form
/// a relay would have received, to its own file `<UTC time>-<outbox id>.eml` in the sink folder (e.g.
/// `20260129T124125Z-000000000042.eml`), and nothing is sent. `/dev/mail` lists the folder (``DevMailRoutes``).
struct MailSink: MailTransport {
    let folder: URL
    let from: String

    /// Messages listed at `/dev/mail`, newest first.
    static let listLimit = 200
    /// A message file larger than this is not shown.
    static let maxMessageBytes = 1 << 20

    init(folder: String, from: String) throws {
        self.folder = URL(fileURLWithPath: folder, isDirectory: true)
        self.from = from
        do {
            try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError(reason: "mail.sink: cannot create \(folder): \(error.localizedDescription)")
        }
    }

    func send(_ mail: OutgoingMailRecord) async throws(MailTransportFailure) {
        let message = MailMessage(from: from, to: [mail.recipient], subject: mail.subject, body: mail.body, date: mail.createdAt,
                                  extraHeaders: [MailHeader(name: "Auto-Submitted", value: "auto-generated")])
        let id = mail.id.map { String($0) } ?? String(UInt32.random(in: 0...UInt32.max))
        let name = "\(Self.timestamp(Date()))-\(String(repeating: "0", count: max(0, 12 - id.count)))\(id).eml"
        // Written under a name the listing ignores, then renamed: a reader never sees half a message.
        let partial = folder.appendingPathComponent(".partial-\(UUID().uuidString)")
        do {
            try Data(PreparedMail.message(of: mail) ?? message.bytes()).write(to: partial)
            try FileManager.default.moveItem(at: partial, to: folder.appendingPathComponent(name))
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw .failed
        }
    }

    /// `20260129T124125Z`: the UTC time in ISO 8601 basic form, sortable as text.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date).filter { $0 != "-" && $0 != ":" }
    }

    /// Whether `name` has the form of a file this sink writes; nothing else in the folder is ever read.
    static func isMessageName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard name.hasSuffix(".eml"), parts.count == 2, parts[0].count == 16 else { return false }
        let id = parts[1].dropLast(4)
        return id.count == 12 && id.allSatisfy(\.isASCIIDigit) && parts[0].allSatisfy { $0.isASCIIDigit || $0 == "T" || $0 == "Z" }
    }

    /// The names of the messages in the folder, newest first.
    func names() -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return all.filter(Self.isMessageName).sorted(by: >)
    }

    /// One message by a name from ``names()``; nil for any other name (so `../x` or `/etc/passwd` never reaches the
    /// file system).
    func message(named name: String) -> SinkMessage? {
        guard Self.isMessageName(name), names().contains(name),
              let data = try? Data(contentsOf: folder.appendingPathComponent(name)), data.count <= Self.maxMessageBytes
        else { return nil }
        return SinkMessage(name: name, raw: String(decoding: data, as: UTF8.self))
    }
}

/// A message file of the sink, read for display: header fields and the body with its quoted-printable encoding undone.
struct SinkMessage {
    let name: String
    let raw: String

    private var parts: (header: String, body: String) {
        guard let split = raw.range(of: "\r\n\r\n") else { return (raw, "") }
        return (String(raw[..<split.lowerBound]), String(raw[split.upperBound...]))
    }

    /// The value of the first header field `name` (unfolded), or "".
    func header(_ name: String) -> String {
        let unfolded = parts.header.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        for line in unfolded.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return ""
    }

    /// The body text (RFC 2045 §6.7 quoted-printable decoded).
    var body: String {
        var out: [UInt8] = []
        let bytes = Array(parts.body.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "="), i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 {
                i += 3  // soft line break
            } else if bytes[i] == UInt8(ascii: "="), i + 2 < bytes.count, let value = UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16) {
                out.append(value)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `http://` or `https://` link in the body.
    var firstLink: String? {
        let text = body
        guard let start = text.range(of: "http://") ?? text.range(of: "https://") else { return nil }
        return String(text[start.lowerBound...].prefix { !$0.isWhitespace && $0 != ">" && $0 != "\"" })
    }

    /// Headers and decoded body, as `/dev/mail/<name>` shows them.
    var text: String {
        let header = ["From", "To", "Subject", "Date", "Message-ID"].map { "\($0): \(self.header($0))" }.joined(separator: "\n")
        return header + "\n\n" + body.replacingOccurrences(of: "\r\n", with: "\n")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
