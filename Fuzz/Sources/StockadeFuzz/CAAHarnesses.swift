import Audit
import CAA
import DNS

/// `IssueValue(parsing:)` and `CAAProperty(_:)`: a CAA record from DNS (RFC 8659 §4.1, §4.2). The first octet is the
/// flags, the next the tag length, then the tag and the value.
enum CAAPropertyHarness {
    static func run(_ input: [UInt8]) {
        do {
            let value = try IssueValue(parsing: input)
            require(input.count <= CAALimits.maximumIssueValueLength, "accepted \(input.count) octets")
            require(value.parameters.count <= CAALimits.maximumParameters, "\(value.parameters.count) parameters")
            if let issuer = value.issuerDomain { require(!issuer.isEmpty && issuer == issuer.lowercased(), "issuer \(issuer)") }
        } catch {
            require(!error.reason.isEmpty, "a CAAError without a reason")
        }
        guard input.count >= 2 else { return }
        let tagLength = min(Int(input[1]), input.count - 2)
        let record = DNS.CAA(flags: input[0], tag: String(decoding: input[2..<(2 + tagLength)], as: UTF8.self),
                             value: String(decoding: input[(2 + tagLength)...], as: UTF8.self))
        let property = CAAProperty(record)
        require(property.isCritical == (input[0] & 0x80 != 0), "critical flag misread")
        let name = try! DNSName("fuzz.test")
        let decision = CAADecision.decide(IssuanceRequest(name: name, issuer: "ca.example"), relevantName: name, records: [record])
        if decision.permitted, property.isCritical, case .unknown = property.kind {
            fatalError("a critical unknown tag permitted issuance")
        }
    }
}

/// `ExpectedRecord.parse(fragment:)`: the zone-file fragment `stockade check --expect` reads.
enum ExpectedRecordHarness {
    static func run(_ input: [UInt8]) {
        do {
            let records = try ExpectedRecord.parse(fragment: input)
            require(input.count <= ExpectedRecord.maximumFragmentSize, "accepted \(input.count) octets")
            require(records.count <= ExpectedRecord.maximumRecords, "\(records.count) records")
            require(records.allSatisfy { $0.name.hasSuffix(".") }, "a relative owner name was accepted")
        } catch {
            require(!error.reason.isEmpty, "an AuditError without a reason")
        }
    }
}
