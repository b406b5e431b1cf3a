/// One fuzz target: a parser of outside input and the properties its results must have.
struct Harness: Sendable {
    /// The name on the command line and of the seed corpus folder, `Fuzz/Corpus/<name>/`.
    let name: String
    let summary: String
    /// Parses `input` and traps (through ``require(_:_:file:line:)``) when a property fails.
    let run: @Sendable ([UInt8]) -> Void

    static let all: [Harness] = [
        Harness(name: "dns-message", summary: "DNS.Message(bytes:): decode → encode → decode equal, limits", run: DNSMessageHarness.run),
        Harness(name: "tlsa", summary: "TLSA record data decode and encode, DANE smtpUsability rules", run: TLSAHarness.run),
        Harness(name: "openpgp-packets", summary: "Packet.parseAll → serialize → parse equal, typed packets keep their bytes", run: OpenPGPPacketHarness.run),
        Harness(name: "openpgp-armor", summary: "Armor.decode → encode → decode equal", run: OpenPGPArmorHarness.run),
        Harness(name: "openpgp-certificate", summary: "Certificate.readAll: OpenPGPLimits caps, binary and armored round trip, merge", run: OpenPGPCertificateHarness.run),
        Harness(name: "mtasts-policy", summary: "MTASTSPolicy(parsing:): size and mx bounds, canonical text round trip", run: MTASTSPolicyHarness.run),
        Harness(name: "mtasts-record", summary: "MTASTSRecord(parsing:): id grammar, text round trip", run: MTASTSRecordHarness.run),
        Harness(name: "netstring", summary: "Netstring.next: length limit, exact framing, untouched buffer when incomplete", run: NetstringHarness.run),
        Harness(name: "wkd-address", summary: "WKDAddress: hash alphabet and length, re-parse equal, URL paths", run: WKDAddressHarness.run),
        Harness(name: "hkp-search", summary: "HKPSearch(_:): normalized forms, re-parse equal", run: HKPSearchHarness.run),
        Harness(name: "smtp-reply", summary: "SMTPReplyDecoder: code and line limits, re-encode equal, chunking-independent", run: SMTPReplyHarness.run),
        Harness(name: "spf-record", summary: "SPFRecord(parsing:): typed error or a record within limits whose text reads back equal", run: SPFRecordHarness.run),
        Harness(name: "dmarc-record", summary: "DMARCRecord.select / DMARCRecord(parsing:): tag limits, discarded parts, text round trip", run: DMARCRecordHarness.run),
        Harness(name: "authentication-results", summary: "AuthenticationResults(parsing:): limits, written field reads back equal", run: AuthenticationResultsHarness.run),
        Harness(name: "dkim-signature", summary: "TagList / DKIMSignature(field:) / KeyRecord(parsing:): no duplicate tags, ranges, From in h=, i= under d=, limits", run: DKIMSignatureHarness.run),
        Harness(name: "dkim-message", summary: "DKIMMessage(parsing:): limits, no bare LF, wire form reads back equal, canonical bodies are fixed points", run: DKIMMessageHarness.run),
        Harness(name: "milter-frames", summary: "MilterFrame.next → MilterCommand → MilterConversation: exact framing, limits, replies read back equal", run: MilterFrameHarness.run),
        Harness(name: "tlsrpt-report", summary: "TLSRPT Report.parse: JSON, gzip or mail; typed reasons, I-JSON rules", run: TLSRPTReportHarness.run),
        Harness(name: "tlsrpt-gzip", summary: "BoundedInflater: never inflates more than its limit plus one octet", run: TLSRPTGzipHarness.run),
        Harness(name: "tlsrpt-record", summary: "TLSRPTRecord(parsing:): v=TLSRPTv1, rua URIs, one record only", run: TLSRPTRecordHarness.run),
        Harness(name: "caa-property", summary: "IssueValue(parsing:) / CAAProperty: limits, critical unknown tags never permit issuance", run: CAAPropertyHarness.run),
        Harness(name: "audit-expected-record", summary: "ExpectedRecord.parse(fragment:): size and count limits, absolute owner names", run: ExpectedRecordHarness.run),
        Harness(name: "dmarc-aggregate-report", summary: "AggregateReport(xml:): BoundedXML limits, written XML reads back, a fixed point", run: DMARCAggregateReportHarness.run),
        Harness(name: "lmtp-session", summary: "LMTPLineFramer → LMTPSession: chunking-independent lines, well-formed replies, size and recipient limits", run: LMTPSessionHarness.run),
        Harness(name: "zip-reader", summary: "ZipReader.extract: a typed error or at most the limit of output", run: ZipReaderHarness.run),
        Harness(name: "http-head", summary: "PlainRequestHead.parse: within its limits, read the same by NIO's HTTPRequestDecoder", run: HTTPHeadHarness.run),
        Harness(name: "tlsrpt-datagram", summary: "CollectorDatagram.parse: a libtlsrpt datagram within its limits, or a typed error", run: TLSRPTCollectorHarness.run),
    ]

    static func named(_ name: String) -> Harness? { all.first { $0.name == name } }

    /// The harness this process runs; set once before libFuzzer starts.
    nonisolated(unsafe) static var selected = all[0]
}

/// Traps when a property fails, so libFuzzer stops and writes the input as a crash artifact.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("property failed: \(message())", file: file, line: line) }
}

/// Traps for an error a parser's documentation does not allow.
func unexpected(_ error: any Error, _ context: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("\(context): unexpected error \(type(of: error)): \(error)", file: file, line: line)
}

extension [UInt8] {
    /// Hex for messages.
    var hex: String { map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}
