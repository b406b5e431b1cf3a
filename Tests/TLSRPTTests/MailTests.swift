import Foundation
import Testing
import TLSRPT

/// The mail form of a report (RFC 8460 §5.3): `multipart/report; report-type=tlsrpt`.
@Suite("TLSRPT mail")
struct MailTests {
    func mail(contentType: String = "multipart/report; report-type=tlsrpt; boundary=\"b\"", parts: [String], lineEnd: String = "\r\n") -> [UInt8] {
        var text = "From: reports@sender.example\nTo: tlsrpt@example.test\nSubject: Report Domain: example.test\nMIME-Version: 1.0\n"
            + "Content-Type: \(contentType)\n\npreamble\n"
        for part in parts { text += "--b\n" + part + "\n" }
        text += "--b--\nepilogue\n"
        return bytes(text.replacingOccurrences(of: "\n", with: lineEnd))
    }

    func reason(_ input: [UInt8]) -> String? {
        do {
            _ = try Report.parse(mail: input)
            return nil
        } catch {
            return error.reason
        }
    }

    static let json = ReportText.with()

    @Test func readsAGoogleShapedMail() throws {
        let parsed = try Report.parse(try fixture("google-shaped-mail.eml"))
        #expect(parsed.form == .mailGzip)
        #expect(parsed.report == (try Report.parse(json: try fixture("google-no-policy.json"))).report)
    }

    @Test func readsAMicrosoftShapedMailInQuotedPrintable() throws {
        let parsed = try Report.parse(mail: try fixture("microsoft-shaped-mail.eml"))
        #expect(parsed.form == .mailJSON)
        #expect(parsed.report == (try Report.parse(json: try fixture("microsoft-shaped.json"))).report)
    }

    @Test func readsEveryTransferEncoding() throws {
        let expected = try Report.parse(json: bytes(Self.json)).report
        let base64 = bytes(Self.json).chunked(into: 57).map { Base64Text.encode($0) }.joined(separator: "\n")
        let encodings: [(String, String)] = [
            ("7bit", Self.json), ("8bit", Self.json), ("binary", Self.json), ("BASE64", base64),
            ("quoted-printable", Self.json.replacingOccurrences(of: "\"policies\"", with: "=22poli=\ncies=22")),
        ]
        for lineEnd in ["\r\n", "\n"] {
            for (encoding, body) in encodings {
                let message = mail(parts: ["Content-Type: text/plain\n\nA report.",
                                           "Content-Type: application/tlsrpt+json\nContent-Transfer-Encoding: \(encoding)\n\n\(body)"], lineEnd: lineEnd)
                #expect(try Report.parse(mail: message).report == expected, "\(encoding)")
            }
        }
        // No Content-Transfer-Encoding means 7bit.
        #expect(try Report.parse(mail: mail(parts: ["Content-Type: Application/TLSRPT+JSON\n\n\(Self.json)"])).report == expected)
    }

    @Test func refusesMailsThatAreNotTLSReports() {
        let part = "Content-Type: application/tlsrpt+json\n\n\(Self.json)"
        #expect(reason(mail(contentType: "multipart/report; report-type=disposition-notification; boundary=b", parts: [part]))
                == "the mail is multipart/report; report-type=disposition-notification; boundary=b, not multipart/report; report-type=tlsrpt (RFC 8460 §5.3)")
        #expect(reason(mail(contentType: "multipart/mixed; boundary=b", parts: [part]))
                == "the mail is multipart/mixed; boundary=b, not multipart/report; report-type=tlsrpt (RFC 8460 §5.3)")
        #expect(reason(bytes("Subject: hi\n\nhello\n")) == "the mail is text/plain, not multipart/report; report-type=tlsrpt (RFC 8460 §5.3)")
        #expect(reason(mail(contentType: "multipart/report; report-type=tlsrpt", parts: [part])) == "multipart/report without a valid boundary parameter")
        #expect(reason(mail(parts: ["Content-Type: text/plain\n\nno report here"])) == "no application/tlsrpt+json or application/tlsrpt+gzip part")
        #expect(reason(mail(parts: [part, part])) == "more than one application/tlsrpt part")
        #expect(reason(mail(parts: Array(repeating: "Content-Type: text/plain\n\nx", count: 17))) == "more than 16 MIME parts")
        #expect(reason(mail(parts: ["Content-Type: application/tlsrpt+json\nContent-Transfer-Encoding: base64\n\n{not base64}"])) == "invalid base64 character")
        #expect(reason(mail(parts: ["Content-Type: application/tlsrpt+json\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ"])) == "invalid quoted-printable escape")
        #expect(reason(mail(parts: ["Content-Type: application/tlsrpt+json\nContent-Transfer-Encoding: x-uuencode\n\n\(Self.json)"]))
                == "unknown Content-Transfer-Encoding \"x-uuencode\"")
        #expect(reason(mail(parts: ["Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\nAAAA"])) == "the gzip stream is corrupt")
        #expect(reason(bytes(" folded: first\n\n")) == "a header continuation line comes first")
        #expect(reason([UInt8](repeating: 0x41, count: Report.maximumMailSize + 1)) == "the mail is larger than 33554432 octets")
    }

    @Test func theReportInsideAMailIsCheckedLikeAnyOther() {
        let part = "Content-Type: application/tlsrpt+json\n\n" + ReportText.with(start: "2026-12-05T00:00:00Z", end: "2026-12-04T00:00:00Z")
        #expect(reason(mail(parts: [part])) == "date-range: end-datetime is before start-datetime")
    }
}

/// Base64 for building test mails (RFC 4648 §4), written here so the decoder under test checks against it.
enum Base64Text {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ input: [UInt8]) -> String {
        var output: [UInt8] = []
        for start in stride(from: 0, to: input.count, by: 3) {
            let chunk = Array(input[start..<min(start + 3, input.count)]) + [0, 0]
            let value = UInt32(chunk[0]) << 16 | UInt32(chunk[1]) << 8 | UInt32(chunk[2])
            let count = min(3, input.count - start)
            for position in 0..<4 {
                output.append(position <= count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)] : UInt8(ascii: "="))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
