import Reports

/// `LMTPLineFramer` → `LMTPSession`: any bytes from an LMTP client. Lines are framed the same whatever the chunking,
/// replies are well-formed, a delivered message stays within the size limit and every delivery has recipients.
enum LMTPSessionHarness {
    static let limits = LMTPLimits(maximumMessageSize: 4096)

    static func run(_ input: [UInt8]) {
        var whole = LMTPLineFramer()
        let lines = whole.append(input)
        var split = LMTPLineFramer()
        let half = input.count / 2
        require(split.append(input[..<half]) + split.append(input[half...]) == lines, "framing depends on chunking")
        var session = LMTPSession(hostname: "fuzz.test", limits: limits) { $0.hasSuffix("@reports.test") }
        for line in lines {
            if case .line(let bytes) = line { require(bytes.count < LMTPLimits.maximumLineLength, "a line of \(bytes.count) octets") }
            for action in session.receive(line) {
                switch action {
                case .reply(let reply), .close(let reply), .replyPerRecipient(let reply, _):
                    require((200..<600).contains(reply.code) && !reply.lines.isEmpty, "reply \(reply)")
                    require(reply.description.utf8.count < 2048 && reply.description.hasSuffix("\r\n"), "reply text \(reply)")
                case .deliver(let message, let recipients):
                    require(message.count <= limits.maximumMessageSize, "a message of \(message.count) octets")
                    require((1...LMTPLimits.maximumRecipients).contains(recipients.count), "\(recipients.count) recipients")
                }
            }
        }
    }
}

/// `ZipReader.extract`: a typed error, or at most the limit of output.
enum ZipReaderHarness {
    static let limit = 1 << 16

    static func run(_ input: [UInt8]) {
        do {
            let output = try ZipReader.extract(input, limit: limit)
            require(output.count <= limit, "extracted \(output.count) octets")
        } catch {
            require(!error.reason.isEmpty, "a ReportsError without a reason")
        }
    }
}
