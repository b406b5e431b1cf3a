import DNS
import NIOCore

/// `DNS.Message(bytes:)`, the resolver's reader of every answer from the network (RFC 1035 §4, RFC 6891).
enum DNSMessageHarness {
    static func run(_ input: [UInt8]) {
        let message: Message
        do {
            message = try Message(bytes: input)  // typed throws: only DNSError can come out
        } catch {
            require(!error.reason.isEmpty, "a DNSError without a reason")
            return
        }
        require(input.count <= Message.maximumSize, "accepted a message of \(input.count) octets")
        require(message.questions.count <= Message.maximumQuestions, "\(message.questions.count) questions accepted")
        let records = message.answers.count + message.authority.count + message.additional.count + (message.edns == nil ? 0 : 1)
        require(records <= Message.maximumRecords, "\(records) records accepted")
        for record in message.answers + message.authority + message.additional {
            _ = record.data.presentation
        }

        // Decode → encode → decode: the same message, and encoding it again gives the same bytes.
        let encoded = message.bytes
        // Names that arrived compressed where RFC 3597 §4 forbids compressing them on output (e.g. SRV targets)
        // are written in full, so a message at the size limit may grow past it; the decoder rightly refuses those.
        guard encoded.count <= Message.maximumSize else { return }
        let again: Message
        do {
            again = try Message(bytes: encoded)
        } catch {
            fatalError("the encoding of a decoded message does not decode: \(error); input \(input.hex)")
        }
        require(again == message, "decode → encode → decode changed the message; input \(input.hex)")
        require(again.bytes == encoded, "encoding is not stable; input \(input.hex)")
    }
}

/// TLSA record data (RFC 6698 §2.1) as the DNS codec reads it, and the DANE rules for SMTP (RFC 7672 §3.1).
enum TLSAHarness {
    static func run(_ input: [UInt8]) {
        var buffer = ByteBuffer(bytes: input)
        let data: RecordData
        do {
            data = try RecordData.decode(type: .tlsa, length: input.count, from: &buffer)
        } catch {
            require(input.count < 3, "TLSA data of \(input.count) octets refused: \(error)")
            return
        }
        require(buffer.readableBytes == 0, "TLSA decoding left \(buffer.readableBytes) octets")
        guard case .tlsa(let tlsa) = data else { fatalError("TLSA data decoded as \(data)") }
        require(input.count >= 3 && tlsa.usage == input[0] && tlsa.selector == input[1] && tlsa.matchingType == input[2]
                && tlsa.data == Array(input.dropFirst(3)), "TLSA fields do not match their octets")

        // Encoding gives back the octets exactly (no names, nothing to compress).
        var out = ByteBuffer()
        var compressor = NameCompressor()
        data.write(to: &out, compressor: &compressor)
        require(out.readableBytesView.elementsEqual(input), "TLSA encoding differs from its input")
        _ = data.presentation

        switch tlsa.smtpUsability {
        case .success(let usable):
            require(usable.record == tlsa, "the usable record is not the record")
            require(tlsa.usage == 2 || tlsa.usage == 3, "usage \(tlsa.usage) usable for SMTP")
            require(tlsa.selector <= 1 && tlsa.matchingType <= 2, "selector \(tlsa.selector) matching type \(tlsa.matchingType) usable")
            require(!tlsa.data.isEmpty, "empty association data usable")
            if let length = usable.matchingType.digestLength {
                require(tlsa.data.count == length, "a digest of \(tlsa.data.count) octets for matching type \(tlsa.matchingType)")
            }
            require(usable.description.hasPrefix("\(tlsa.usage) \(tlsa.selector) \(tlsa.matchingType) "), "presentation \(usable.description)")
        case .failure(let reason):
            let expected: Bool = switch reason {
            case .pkixUsage(let usage): usage == tlsa.usage && usage <= 1
            case .unknownUsage(let usage): usage == tlsa.usage && usage > 3
            case .unknownSelector(let selector): selector == tlsa.selector && selector > 1
            case .unknownMatchingType(let type): type == tlsa.matchingType && type > 2
            case .wrongDigestLength(let type, let length, let actual):
                type == tlsa.matchingType && actual == tlsa.data.count && length != actual
            case .emptyData: tlsa.data.isEmpty
            }
            require(expected, "refused for the wrong reason: \(reason)")
        }
    }
}
