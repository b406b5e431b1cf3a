import Foundation
@testable import SMTP
import Testing

@Suite struct MessageDataTests {
    private func data(_ text: String) -> String { String(decoding: smtpMessageData(Array(text.utf8)), as: UTF8.self) }

    @Test func stuffsDotsAndNormalizesLineEndings() {
        #expect(data("a\r\n.b\r\n") == "a\r\n..b\r\n.\r\n")
        #expect(data(".\n..\nx.y\n") == "..\r\n...\r\nx.y\r\n.\r\n")
        #expect(data("bare\rcr\nlf") == "bare\r\ncr\r\nlf\r\n.\r\n")
        #expect(data(".") == "..\r\n.\r\n")
        #expect(data("") == ".\r\n")
        #expect(data("\r\n\r\n") == "\r\n\r\n.\r\n")
    }

    /// What a server does (RFC 5321 §4.5.2): drop the final line and one leading dot of every line.
    @Test func unstuffingGivesTheNormalizedMessageBack() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let alphabet = Array(".\r\nab".utf8)
            let message = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            var lines = String(decoding: smtpMessageData(message), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.suffix(2) == [".", ""])
            lines.removeLast(2)
            #expect(!lines.contains("."))
            let unstuffed = lines.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }.map { $0 + "\r\n" }.joined()
            let normalized = String(decoding: message, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\r", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            #expect(unstuffed == (normalized.isEmpty || normalized.hasSuffix("\r\n") ? normalized : normalized + "\r\n"))
        }
    }
}
