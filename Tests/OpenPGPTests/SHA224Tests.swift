import Foundation
import TestSupport
import Testing
@testable import OpenPGP

/// The library's own SHA-224 (FIPS 180-4 §6.3), which RSA signatures with hash algorithm 11 need.
@Suite struct SHA224Tests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func digest(_ bytes: [UInt8]) -> String {
        var hasher = SHA224()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    /// FIPS 180-4 examples (NIST CSRC "SHA224.pdf"): one block, two blocks, and the empty message.
    @Test func nistExamples() {
        #expect(digest(Array("abc".utf8)) == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")
        #expect(digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525")
        #expect(digest([]) == "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")
    }

    /// Every length from 0 to 200 octets (all padding boundaries), fed in uneven pieces, equals OpenSSL's digest.
    @Test func equalsOpenSSLForEveryPaddingBoundary() throws {
        var generator = SeededGenerator(state: 224)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sha224-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var messages: [[UInt8]] = []
        var files: [String] = []
        for length in 0...200 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let file = directory.appendingPathComponent("m\(length)").path
            try Data(message).write(to: URL(fileURLWithPath: file))
            messages.append(message)
            files.append(file)
        }
        let output = String(decoding: try runTool("openssl", ["dgst", "-sha224", "-r"] + files), as: UTF8.self)
        let expected = output.split(separator: "\n").map { String($0.prefix(56)) }
        try #require(expected.count == messages.count)
        for (message, want) in zip(messages, expected) {
            var hasher = SHA224()
            var rest = message[...]
            var piece = 1
            while !rest.isEmpty {
                hasher.update(Array(rest.prefix(piece)))
                rest = rest.dropFirst(piece)
                piece = piece * 3 % 71 + 1
            }
            #expect(hex(hasher.finalize()) == want, "length \(message.count)")
        }
    }
}
