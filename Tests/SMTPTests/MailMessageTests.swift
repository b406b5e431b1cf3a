import Foundation
@testable import SMTP
import Testing

@Suite struct MailMessageTests {
    @Test func exactBytes() {
        let message = MailMessage(
            from: "juergen@example.org", fromName: "Jürgen Groß", to: ["bob@example.net", "carol@example.net"],
            subject: "Grüße aus Köln", body: "Hello Bob,\n.dot line\nÜber = gleich\ntrailing space \n" + String(repeating: "x", count: 80)
                + "\n" + String(repeating: "y", count: 76),
            date: Date(timeIntervalSince1970: 1_700_000_000), messageID: "m1@example.org",
            extraHeaders: [MailHeader(name: "Auto-Submitted", value: "auto-generated")]
        )
        let expected = "From: =?utf-8?B?SsO8cmdlbiBHcm/Dnw==?= <juergen@example.org>\r\n"
            + "To: bob@example.net, carol@example.net\r\n"
            + "Subject: =?utf-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n"
            + "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            + "Message-ID: <m1@example.org>\r\n"
            + "Auto-Submitted: auto-generated\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n"
            + "\r\n"
            + "Hello Bob,\r\n"
            + ".dot line\r\n"
            + "=C3=9Cber =3D gleich\r\n"
            + "trailing space=20\r\n"
            + String(repeating: "x", count: 75) + "=\r\n" + "xxxxx\r\n"
            + String(repeating: "y", count: 76) + "\r\n"
        #expect(String(decoding: message.bytes(), as: UTF8.self) == expected)
    }

    @Test func asciiNamesAndFolding() {
        let message = MailMessage(
            from: "a@example.org", fromName: "Doe, John", to: (1...6).map { "recipient\($0)@example.net" },
            subject: String(repeating: "word ", count: 20), body: "", date: Date(timeIntervalSince1970: 0), messageID: "x@y")
        let text = String(decoding: message.bytes(), as: UTF8.self)
        #expect(text.hasPrefix("From: \"Doe, John\" <a@example.org>\r\nTo: recipient1@example.net, recipient2@example.net, recipient3@example.net,\r\n recipient4@"))
        #expect(text.contains("Subject: word word"))
        #expect(text.contains("Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
        #expect(text.hasSuffix("Content-Transfer-Encoding: quoted-printable\r\n\r\n"))
    }

    @Test func longNonASCIISubjectBecomesSeveralWholeCharacterWords() throws {
        let subject = String(repeating: "Ünïcödé ", count: 12)
        let message = MailMessage(from: "a@b.test", to: ["c@d.test"], subject: subject, body: "x", messageID: "m@b.test")
        let text = String(decoding: message.bytes(), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("Subject: ") })
        var words: [String] = [String(lines[start].dropFirst(9))]
        for line in lines[(start + 1)...] where line.hasPrefix(" ") { words.append(String(line.dropFirst())) }
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
            let payload = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            #expect(String(data: payload, encoding: .utf8) != nil)  // no character split between words
            decoded.append(payload)
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        for line in lines { #expect(line.utf8.count <= 76) }
    }

    @Test func quotedPrintableLinesStayWithin76() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = quotedPrintable(text)
            let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
            for line in lines {
                #expect(line.utf8.count <= 76)
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
            }
            #expect(encoded.allSatisfy { $0 < 0x80 })
        }
        #expect(quotedPrintable([]) == [])
        #expect(quotedPrintable(Array("a\r\rb".utf8)) == Array("a\r\n\r\nb\r\n".utf8))
    }

    @Test func base64MatchesRFC4648Vectors() {
        // RFC 4648 §10
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (input, output) in vectors { #expect(base64(Array(input.utf8)) == output) }
    }
}
