import NIOCore
import NIOEmbedded
import PostfixPolicy
@testable import SMTP
import VKS
import WKD

/// `Netstring.next`: the framing of every socketmap request Postfix sends (socketmap_table(5)).
enum NetstringHarness {
    static func run(_ input: [UInt8]) {
        var buffer = ByteBuffer(bytes: input)
        while buffer.readableBytes > 0 {
            let before = buffer
            let payload: ByteBuffer?
            do {
                payload = try NetstringDecoder.next(&buffer)
            } catch {
                require(!error.reason.isEmpty, "a NetstringError without a reason")
                return
            }
            guard let payload else {
                require(buffer == before, "an incomplete netstring moved the buffer")
                return
            }
            require(payload.readableBytes <= Netstring.maximumLength, "a payload of \(payload.readableBytes) octets")
            // Exactly `<length>:<payload>,` was consumed, the length in its only (no leading zero) form.
            let consumed = before.readableBytes - buffer.readableBytes
            var expected = Array("\(payload.readableBytes):".utf8)
            expected += payload.readableBytesView
            expected.append(UInt8(ascii: ","))
            require(consumed == expected.count && before.readableBytesView.prefix(consumed).elementsEqual(expected),
                    "consumed octets are not the netstring of the payload")
            if let text = String(validating: payload.readableBytesView, as: UTF8.self) {
                require(Netstring.encode(text).readableBytesView.elementsEqual(expected), "encode disagrees with next")
            }
        }
    }
}

/// `WKDAddress`: the address of a WKD lookup, and the hashed path built from it (draft-koch-openpgp-webkey-service §3.1).
enum WKDAddressHarness {
    static let zBase32 = Set("ybndrfg8ejkmcpqxot1uwisza345h769".utf8)

    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let address: WKDAddress
        do {
            address = try WKDAddress(text)
        } catch {
            return
        }
        require(!address.localPart.isEmpty && !address.domain.isEmpty, "an empty part accepted")
        require(!address.domain.contains("@") && !address.domain.contains("/"), "domain \(address.domain)")
        require(!address.domain.utf8.contains { (0x41...0x5A).contains($0) }, "domain not lower-cased")
        let hash = address.hash
        require(hash.utf8.count == 32 && hash.utf8.allSatisfy(zBase32.contains), "hash \(hash)")
        do {
            let again = try WKDAddress(address.description)
            require(again == address && again.hash == hash, "re-parsing \(address) changed it")
        } catch {
            fatalError("the description of an address is refused: \(error)")
        }
        for method in WKDMethod.allCases {
            let path = address.path(method)
            require(path.hasPrefix("/.well-known/openpgpkey/") && path.contains("/hu/\(hash)?l="), "path \(path)")
            // The local part is percent-encoded: nothing but unreserved characters and `%` after `?l=`.
            let query = path.utf8.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false).last!
            require(query.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "-._~%=".utf8.contains(byte)
            }, "query \(String(decoding: query, as: UTF8.self)) not encoded")
        }
    }
}

/// `HKPSearch(_:)`: the `search` parameter of `/pks/lookup` (draft-shaw-openpgp-hkp-00 §3.1.1).
enum HKPSearchHarness {
    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        guard let search = HKPSearch(text) else {
            require(HKPSearch.emailKey(text) == nil, "emailKey for a refused search")
            return
        }
        let upperHex = Set("0123456789ABCDEF".utf8)
        let normalized: String
        switch search {
        case .fingerprint(let hex):
            require((hex.utf8.count == 40 || hex.utf8.count == 64) && hex.utf8.allSatisfy(upperHex.contains), "fingerprint \(hex)")
            normalized = hex
        case .keyID(let hex):
            require(hex.utf8.count == 16 && hex.utf8.allSatisfy(upperHex.contains), "key ID \(hex)")
            normalized = hex
        case .email(let address):
            require(address.utf8.count { $0 == UInt8(ascii: "@") } == 1, "address \(address)")
            require(!address.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || (0x41...0x5A).contains($0) },
                    "address \(address) not normalized")
            require(HKPSearch.emailKey(text) == address, "emailKey disagrees")
            normalized = address
        }
        require(HKPSearch(normalized) == search, "re-parsing \(normalized) changed the search")
    }
}

/// The SMTP client's reply framing (RFC 5321 §4.2): every byte a remote server sends.
enum SMTPReplyHarness {
    static func run(_ input: [UInt8]) {
        let whole = decode([input])
        for reply in whole.replies {
            require((200...559).contains(reply.code) && reply.code / 10 % 10 <= 5, "reply code \(reply.code)")
            require(!reply.lines.isEmpty && reply.lines.count <= SMTPReplyDecoder.maximumLines, "\(reply.lines.count) lines")
            // Each line is at most the limit in octets; invalid UTF-8 became U+FFFD, one scalar per octet at most.
            require(reply.lines.allSatisfy { $0.unicodeScalars.count <= SMTPReplyDecoder.maximumLineLength }, "a line over the limit")
            require(reply.lines.allSatisfy { !$0.utf8.contains(0x0A) }, "a line with LF")
        }
        // The same bytes in two pieces give the same replies (framing does not depend on how TCP splits them).
        if input.count > 1 {
            let cut = Int(input[0]) % input.count
            let split = decode([Array(input[..<cut]), Array(input[cut...])])
            require(split.replies == whole.replies && split.failed == whole.failed,
                    "splitting at \(cut) changed the result; input \(input.hex)")
        }
        // The replies written out again read back the same.
        var written: [UInt8] = []
        for reply in whole.replies {
            for (index, line) in reply.lines.enumerated() {
                written += Array("\(reply.code)\(index == reply.lines.count - 1 ? " " : "-")\(line)\r\n".utf8)
            }
        }
        let again = decode([written])
        require(!again.failed && again.replies == whole.replies, "replies written out read back differently")
    }

    /// The replies decoded before the first error, and whether there was one.
    static func decode(_ chunks: [[UInt8]]) -> (replies: [SMTPReply], failed: Bool) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        var replies: [SMTPReply] = []
        var failed = false
        for chunk in chunks {
            do {
                try channel.writeInbound(ByteBuffer(bytes: chunk))
            } catch is SMTPError {
                failed = true
            } catch {
                unexpected(error, "SMTPReplyDecoder")
            }
            while let reply = try? channel.readInbound(as: SMTPReply.self) { replies.append(reply) }
            if failed { break }
        }
        _ = try? channel.finish(acceptAlreadyClosed: true)
        return (replies, failed)
    }
}
