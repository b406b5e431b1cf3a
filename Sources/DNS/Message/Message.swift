public import NIOCore

/// A DNS message (RFC 1035 §4.1) with its EDNS pseudo-record taken out of the additional section.
public struct Message: Sendable, Hashable {
    /// The largest message Stockade reads: the TCP length prefix allows no more (RFC 1035 §4.2.2).
    public static let maximumSize = 65_535
    /// Questions beyond this are refused; real messages carry one (RFC 9619).
    public static let maximumQuestions = 16
    /// Records beyond this, in all sections together, are refused before any is read.
    public static let maximumRecords = 8_192

    public var header: Header
    public var questions: [Question]
    public var answers: [ResourceRecord]
    public var authority: [ResourceRecord]
    public var additional: [ResourceRecord]
    public var edns: EDNS?

    public init(header: Header, questions: [Question] = [], answers: [ResourceRecord] = [], authority: [ResourceRecord] = [],
                additional: [ResourceRecord] = [], edns: EDNS? = nil) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// A recursive query for one name and type, with EDNS0 and the DO bit (RFC 3225) set.
    public static func query(id: UInt16, name: DNSName, type: RecordType, dnssecOK: Bool = true, checkingDisabled: Bool = false) -> Message {
        Message(
            header: Header(id: id, recursionDesired: true, checkingDisabled: checkingDisabled),
            questions: [Question(name: name, type: type)],
            edns: EDNS(dnssecOK: dnssecOK))
    }

    /// The twelve-bit response code: four bits in the header, eight in EDNS (RFC 6891 §6.1.3).
    public var responseCode: ResponseCode {
        ResponseCode(rawValue: UInt16(edns?.extendedResponseCodeHigh ?? 0) << 4 | UInt16(header.responseCodeLow))
    }

    /// Decodes a message; `buffer` must hold exactly one message starting at its reader index.
    public init(parsing buffer: inout ByteBuffer) throws(DNSError) {
        guard buffer.readableBytes <= Self.maximumSize else { throw .trailingData("a 65535-octet message") }
        // Offsets in compression pointers count from the message start: work on a slice that starts there.
        var message = buffer.slice()
        guard let (id, flags, questionCount, answerCount, authorityCount, additionalCount) =
            message.readMultipleIntegers(as: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16).self)
        else { throw .truncatedMessage("the header") }
        guard Int(questionCount) <= Self.maximumQuestions else { throw .tooManyRecords(Int(questionCount)) }
        let recordCount = Int(answerCount) + Int(authorityCount) + Int(additionalCount)
        guard recordCount <= Self.maximumRecords else { throw .tooManyRecords(recordCount) }

        var questions: [Question] = []
        for _ in 0..<questionCount {
            let name = try message.readDNSName()
            guard let (type, recordClass) = message.readMultipleIntegers(as: (UInt16, UInt16).self) else {
                throw .truncatedMessage("a question")
            }
            questions.append(Question(name: name, type: RecordType(rawValue: type), recordClass: RecordClass(rawValue: recordClass)))
        }
        func section(_ count: UInt16) throws(DNSError) -> [ResourceRecord] {
            var records: [ResourceRecord] = []
            records.reserveCapacity(Int(count))
            for _ in 0..<count { records.append(try message.readResourceRecord()) }
            return records
        }
        let answers = try section(answerCount)
        let authority = try section(authorityCount)
        var additional = try section(additionalCount)
        var edns: EDNS?
        // RFC 6891 §6.1.1: at most one OPT, owned by the root.
        let optIndices = additional.indices.filter { additional[$0].type == .opt }
        if let optIndex = optIndices.first {
            guard optIndices.count == 1 else { throw .badRecordData(.opt, "more than one OPT record") }
            guard additional[optIndex].name.isRoot else { throw .badRecordData(.opt, "OPT owner is not the root") }
            edns = try EDNS(record: additional.remove(at: optIndex))
        }
        guard message.readableBytes == 0 else { throw .trailingData("the message") }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        self.init(header: Header(id: id, flags: flags), questions: questions, answers: answers, authority: authority,
                  additional: additional, edns: edns)
    }

    /// Decodes a message from bytes.
    public init(bytes: some Sequence<UInt8>) throws(DNSError) {
        var buffer = ByteBuffer(bytes: Array(bytes))
        try self.init(parsing: &buffer)
    }

    /// Writes the message with name compression.
    public func write(to buffer: inout ByteBuffer) {
        var compressor = NameCompressor(messageStart: buffer.writerIndex)
        var additional = additional
        if let edns { additional.append(edns.record) }
        buffer.writeMultipleIntegers(
            header.id, header.flags, UInt16(questions.count), UInt16(answers.count), UInt16(authority.count),
            UInt16(additional.count))
        for question in questions {
            buffer.writeDNSName(question.name, compressor: &compressor)
            buffer.writeMultipleIntegers(question.type.rawValue, question.recordClass.rawValue)
        }
        for record in answers + authority + additional {
            buffer.writeResourceRecord(record, compressor: &compressor)
        }
    }

    /// The message in wire form.
    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
