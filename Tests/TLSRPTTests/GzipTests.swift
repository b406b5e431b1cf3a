import Foundation
import Testing
import TLSRPT

/// `application/tlsrpt+gzip` (RFC 8460 §5.3) and the inflate limit.
@Suite("TLSRPT gzip")
struct GzipTests {
    /// A gzip member of 512 MiB of zeros (530 kB): header, the deflate blocks of the fixtures, CRC-32 and size.
    static func bomb() throws -> [UInt8] {
        let header: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFF]
        let repeated = try fixture("bomb-repeat.deflate")
        var body = try fixture("bomb-first.deflate")
        body.reserveCapacity(body.count + repeated.count * 511 + 16)
        for _ in 0..<511 { body += repeated }
        body += try fixture("bomb-final.deflate")
        // CRC-32 of 512 MiB of zeros (Python's zlib.crc32), then the size, 2^29, both little-endian (`gzip -t` accepts it).
        return header + body + [0x20, 0x83, 0xB8, 0x6D] + [0x00, 0x00, 0x00, 0x20]
    }

    @Test func readsAGzipReport() throws {
        let parsed = try Report.parse(gzip: try fixture("google-no-policy.json.gz"))
        #expect(parsed.form == .gzip)
        #expect(parsed.report == (try Report.parse(json: try fixture("google-no-policy.json"))).report)
        // The form is recognized from the magic number.
        #expect(try Report.parse(try fixture("google-no-policy.json.gz")).form == .gzip)
    }

    @Test func refusesA512MiBBombQuicklyWithoutInflatingPastTheLimit() throws {
        let bomb = try Self.bomb()
        #expect(bomb.count < 600_000)
        var inflater = BoundedInflater()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(throws: TLSRPTError.self) { _ = try inflater.inflate(bomb) }
        let elapsed = clock.now - started
        #expect(inflater.inflatedCount == Report.maximumSize + 1, "stopped one octet past the limit")
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
        do {
            _ = try Report.parse(bomb)
            Issue.record("the bomb was accepted")
        } catch {
            #expect(error.code == .inflateLimitExceeded)
            #expect(error.reason == "the gzip stream inflates to more than 16777216 octets")
        }
    }

    @Test func aSmallLimitStopsAtTheLimit() throws {
        var inflater = BoundedInflater(limit: 100)
        #expect(throws: TLSRPTError.self) { _ = try inflater.inflate(try fixture("google-no-policy.json.gz")) }
        #expect(inflater.inflatedCount == 101)
        var exact = BoundedInflater(limit: 392)
        #expect(try exact.inflate(try fixture("google-no-policy.json.gz")).count == 392)
    }

    @Test func refusesCorruptTruncatedAndTrailingStreams() throws {
        let good = try fixture("google-no-policy.json.gz")
        func reason(_ input: [UInt8]) -> String? {
            do {
                _ = try Report.parse(gzip: input)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(reason(Array(good.dropLast(4))) == "the gzip stream ends early")
        #expect(reason(Array(good.prefix(30))) == "the gzip stream ends early")
        #expect(reason(good + [0x00]) == "data follows the end of the gzip stream")
        #expect(reason(good + good) == "data follows the end of the gzip stream")
        var badCRC = good
        badCRC[good.count - 8] ^= 0xFF
        #expect(reason(badCRC) == "the gzip stream is corrupt")
        #expect(reason([0x1F, 0x8B, 0x09] + Array(good.dropFirst(3))) == "the gzip stream is corrupt")
        #expect(reason([0x1F, 0x8B]) == "the gzip stream ends early")
    }
}
