import DMARC

/// What `dmarc record` prints: the record's values with the defaults of RFC 9989 §4.7 filled in; `p` is `none` when
/// absent (§4.7 p) and null when invalid (§4.10.1); `sp` and `np` are null when absent.
struct DMARCRecordReport: Encodable {
    let found: Bool
    let p: String?
    let sp: String?
    let np: String?
    let adkim: String?
    let aspf: String?
    let t: String?
    let psd: String?
    let fo: [String]
    let rua: [String]
    let ruf: [String]

    init(_ record: DMARCRecord?) {
        found = record != nil
        if let record {
            p = record.policy?.rawValue ?? (record.invalidPolicyTags.contains("p") ? nil : DMARCRecord.Policy.none.rawValue)
        } else {
            p = nil
        }
        sp = record?.subdomainPolicy?.rawValue
        np = record?.nonExistentSubdomainPolicy?.rawValue
        adkim = record?.dkimAlignment.rawValue
        aspf = record?.spfAlignment.rawValue
        t = record.map { $0.testing ? "y" : "n" }
        psd = record?.psd.rawValue
        fo = record?.failureReportingOptions.map(\.rawValue) ?? []
        rua = record?.aggregateReportURIs.map(\.text) ?? []
        ruf = record?.failureReportURIs.map(\.text) ?? []
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(found, forKey: .found)
        for (key, value) in [(CodingKeys.p, p), (.sp, sp), (.np, np), (.adkim, adkim), (.aspf, aspf), (.t, t), (.psd, psd)] {
            try container.encode(value, forKey: key)
        }
        try container.encode(fo, forKey: .fo)
        try container.encode(rua, forKey: .rua)
        try container.encode(ruf, forKey: .ruf)
    }

    private enum CodingKeys: String, CodingKey {
        case found, p, sp, np, adkim, aspf, t, psd, fo, rua, ruf
    }

    /// The text form: the record as published, its values, then what was discarded.
    func text(name: String, record: DMARCRecord?) -> String {
        guard let record else { return "\(name): no DMARC Policy Record" }
        var lines = ["\(name): \(record.text)"]
        let values = [("p", p), ("sp", sp), ("np", np), ("adkim", adkim), ("aspf", aspf), ("t", t), ("psd", psd)]
            .map { "\($0.0)=\($0.1 ?? "-")" } + ["fo=" + fo.joined(separator: ":")]
        lines.append(values.joined(separator: " "))
        if !rua.isEmpty { lines.append("rua: " + rua.joined(separator: ", ")) }
        if !ruf.isEmpty { lines.append("ruf: " + ruf.joined(separator: ", ")) }
        lines += record.discarded.map { "discarded: \($0.text) (\($0.reason))" }
        return lines.joined(separator: "\n")
    }
}

/// What `dmarc evaluate` prints.
struct DMARCEvaluationReport: Encodable {
    let result: String
    let disposition: String?
    let policyDomain: String?
    let orgDomain: String?
    let spfAligned: Bool
    let dkimAligned: Bool
    let appliedPolicy: String?

    init(_ outcome: DMARCResult) {
        result = outcome.verdict.rawValue
        disposition = outcome.disposition?.rawValue
        policyDomain = outcome.policyDomain
        orgDomain = outcome.organizationalDomain
        spfAligned = outcome.spfAligned
        dkimAligned = outcome.dkimAligned
        appliedPolicy = outcome.appliedPolicy?.rawValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(result, forKey: .result)
        try container.encode(disposition, forKey: .disposition)
        try container.encode(policyDomain, forKey: .policyDomain)
        try container.encode(orgDomain, forKey: .orgDomain)
        try container.encode(spfAligned, forKey: .spfAligned)
        try container.encode(dkimAligned, forKey: .dkimAligned)
        try container.encode(appliedPolicy, forKey: .appliedPolicy)
    }

    private enum CodingKeys: String, CodingKey {
        case result, disposition
        case policyDomain = "policy_domain"
        case orgDomain = "org_domain"
        case spfAligned = "spf_aligned"
        case dkimAligned = "dkim_aligned"
        case appliedPolicy = "applied_policy"
    }

    /// `dmarc=RESULT disposition=… policy_domain=… org_domain=… spf_aligned=… dkim_aligned=… applied_policy=…`, then the reason.
    func text(reason: String) -> String {
        let fields = [("disposition", disposition), ("policy_domain", policyDomain), ("org_domain", orgDomain),
                      ("spf_aligned", String(spfAligned)), ("dkim_aligned", String(dkimAligned)), ("applied_policy", appliedPolicy)]
        return (["dmarc=\(result)"] + fields.map { "\($0.0)=\($0.1 ?? "-")" }).joined(separator: " ") + "\n" + reason
    }
}
