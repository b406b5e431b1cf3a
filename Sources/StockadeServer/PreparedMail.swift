import Foundation
import Store

/// A complete message in the outbox (DMARC aggregate reports): headers, MIME body and DKIM signature made when it was
/// queued. The row's `body` is the marker line followed by the message; the transports send the message as it is.
/// Mail the key server queues (a subject and a text body) never begins with the marker.
enum PreparedMail {
    /// The first line of a prepared row's body; not part of the message.
    static let marker = "X-Stockade-Prepared-Message: 1\r\n"

    /// An outbox row for `message` (ASCII, CRLF line ends), with `subject` kept for people reading the outbox.
    static func record(recipient: String, subject: String, message: [UInt8], createdAt: Date) -> OutgoingMailRecord {
        OutgoingMailRecord(recipient: recipient, subject: subject, body: marker + String(decoding: message, as: UTF8.self),
                           createdAt: createdAt, nextAttemptAt: createdAt)
    }

    /// The message of a prepared row; nil for any other row.
    static func message(of mail: OutgoingMailRecord) -> [UInt8]? {
        guard mail.body.hasPrefix(marker) else { return nil }
        return Array(mail.body.utf8.dropFirst(marker.utf8.count))
    }
}
