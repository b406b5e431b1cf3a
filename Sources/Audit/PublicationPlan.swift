public import DNS
import DANE

/// What a mail domain should publish for what its server is configured to serve (`stockade init`): MX with DANE-EE
/// TLSA records, SPF, DKIM keys, DMARC starting at `p=none`, MTA-STS, TLSRPT, CAA and the WKD host.
public struct PublicationPlan: Sendable, Hashable {
    /// A DKIM key record to publish at `<selector>._domainkey.<domain>`.
    public struct DKIMKey: Sendable, Hashable {
        public var selector: String
        /// The record text, `v=DKIM1; k=…; p=…` (RFC 6376 §3.6.1).
        public var record: String

        public init(selector: String, record: String) {
            self.selector = selector
            self.record = record
        }
    }

    public var domain: String
    /// The MX hosts in preference order.
    public var mxHosts: [String] = []
    /// The `3 1 1` record of each MX host whose certificate is known.
    public var tlsa: [String: TLSA] = [:]
    /// The `id` of the MTA-STS policy this server publishes for the domain, if any (RFC 8461 §3.1).
    public var mtaSTSID: String?
    /// The server's addresses, for the `mta-sts` and `openpgpkey` hosts (A or AAAA by form).
    public var addresses: [String] = []
    /// `rua` of the TLSRPT record (RFC 8460 §3).
    public var tlsrptRUA: [String] = []
    /// `rua` of the DMARC record (RFC 9989 §4.7).
    public var dmarcRUA: [String] = []
    public var dkimKeys: [DKIMKey] = []
    /// Issuer domain names of the CAs in use (RFC 8659 §4.2).
    public var caaIssuers: [String] = []
    /// The domain is served with the WKD advanced method (`openpgpkey.<domain>`).
    public var wkdAdvanced = false

    public init(domain: String) {
        self.domain = DomainAuditor.normalized(domain)
    }

    /// Every record, in the order the fragment prints them.
    public var records: [ExpectedRecord] {
        let apex = domain + "."
        var records: [ExpectedRecord] = []
        for (index, host) in mxHosts.enumerated() {
            records.append(ExpectedRecord(name: apex, type: .mx, data: "\((index + 1) * 10) \(DomainAuditor.normalized(host)).",
                                          note: index == 0 ? "Mail exchangers (RFC 5321 §5.1)" : nil))
        }
        for host in mxHosts {
            guard let record = tlsa[host] else { continue }
            records.append(ExpectedRecord(name: "_25._tcp.\(DomainAuditor.normalized(host)).", type: .tlsa, data: Self.tlsaData(record),
                                          note: "DANE-EE for \(host): SHA-256 of its public key (RFC 7672 §3.1.1); the zone must be DNSSEC-signed"))
        }
        records.append(ExpectedRecord(name: apex, type: .txt, data: ZoneText.quoted(mxHosts.isEmpty ? "v=spf1 -all" : "v=spf1 mx -all"),
                                      note: "SPF: mail from this domain leaves through its MX hosts only (RFC 7208 §5.4)"))
        for key in dkimKeys {
            records.append(ExpectedRecord(name: "\(key.selector)._domainkey.\(apex)", type: .txt, data: ZoneText.quoted(key.record),
                                          note: "DKIM key of selector \(key.selector) (RFC 6376 §3.6.1)"))
        }
        let rua = dmarcRUA.isEmpty ? "" : "; rua=" + dmarcRUA.joined(separator: ",")
        records.append(ExpectedRecord(name: "_dmarc.\(apex)", type: .txt, data: ZoneText.quoted("v=DMARC1; p=none\(rua)"),
                                      note: "DMARC starts at p=none: read the aggregate reports, then move to p=quarantine and p=reject (RFC 9989 §4.7)"))
        if let id = mtaSTSID {
            records.append(ExpectedRecord(name: "_mta-sts.\(apex)", type: .txt, data: ZoneText.quoted("v=STSv1; id=\(id)"),
                                          note: "MTA-STS: the id changes with the policy (RFC 8461 §3.1)"))
            records += addressRecords("mta-sts.\(apex)", note: "the MTA-STS policy host (RFC 8461 §3.3)")
        }
        if !tlsrptRUA.isEmpty {
            records.append(ExpectedRecord(name: "_smtp._tls.\(apex)", type: .txt,
                                          data: ZoneText.quoted("v=TLSRPTv1; rua=" + tlsrptRUA.joined(separator: ",")),
                                          note: "TLS reports (RFC 8460 §3)"))
        }
        for (index, issuer) in caaIssuers.enumerated() {
            records.append(ExpectedRecord(name: apex, type: .caa, data: "0 issue \"\(issuer)\"",
                                          note: index == 0 ? "CAA: only the CA in use may issue (RFC 8659 §4.2)" : nil))
        }
        if wkdAdvanced {
            records += addressRecords("openpgpkey.\(apex)", note: "the WKD host of the advanced method (draft-koch-openpgp-webkey-service §3.1)")
        }
        return records
    }

    /// `3 1 1 <lower-case hex>`, as DANE's zone line writes it.
    static func tlsaData(_ record: TLSA) -> String {
        String(record.zoneLine(ownerName: "tlsa").dropFirst("tlsa. IN TLSA ".count))
    }

    private func addressRecords(_ name: String, note: String) -> [ExpectedRecord] {
        addresses.enumerated().map { index, address in
            ExpectedRecord(name: name, type: address.contains(":") ? .aaaa : .a, data: address, note: index == 0 ? note : nil)
        }
    }

    /// The zone-file fragment: a header comment, then each record with its note.
    public var zoneFragment: String {
        (["; Records for \(domain), from the configuration of stockade serve (stockade init)"] + records.map { $0.zoneLine() })
            .joined(separator: "\n") + "\n"
    }
}
