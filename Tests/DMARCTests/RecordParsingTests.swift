import DMARC
import Testing

/// DMARC Policy Records (RFC 9989 §4.7, §4.8) and the selection of one per name (§4.10 steps 2 and 6).
@Suite("DMARC record parsing")
struct RecordParsingTests {
    @Test("RFC 9989 Appendix B.2.1: entire domain, monitoring mode; the defaults of §4.7")
    func appendixB21() throws {
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com"))
        #expect(record.policy == DMARCRecord.Policy.none)
        #expect(record.subdomainPolicy == nil)
        #expect(record.nonExistentSubdomainPolicy == nil)
        #expect(record.aggregateReportURIs.map(\.uri) == ["mailto:dmarc-feedback@example.com"])
        #expect(record.failureReportURIs.isEmpty)
        #expect(record.dkimAlignment == .relaxed)
        #expect(record.spfAlignment == .relaxed)
        #expect(record.testing == false)
        #expect(record.psd == .unknown)
        #expect(record.failureReportingOptions == [.allFail])
        #expect(record.discarded.isEmpty)
    }

    @Test("RFC 9989 Appendix B.2.2 and B.2.3: failure reports, to a third party")
    func appendixB22() throws {
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net"))
        #expect(record.aggregateReportURIs.map(\.uri) == ["mailto:dmarc-feedback@example.com"])
        #expect(record.failureReportURIs.map(\.uri) == ["mailto:auth-reports@thirdparty.example.net"])
        #expect(record.failureReportURIs.map(\.scheme) == ["mailto"])
    }

    @Test("RFC 9989 Appendix B.2.5: strings concatenated (§4.5), two rua URIs, t=y")
    func appendixB25() throws {
        let strings = ["v=DMARC1; p=quarantine; ", "rua=mailto:dmarc-feedback@example.com,", "mailto:tld-test@thirdparty.example.net; ", "t=y"]
        let record = try #require(DMARCRecord.select([strings.joined()]))
        #expect(record.policy == .quarantine)
        #expect(record.aggregateReportURIs.map(\.uri) == ["mailto:dmarc-feedback@example.com", "mailto:tld-test@thirdparty.example.net"])
        #expect(record.testing)
        let final = try #require(DMARCRecord(parsing: "v=DMARC1; p=reject; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net"))
        #expect(final.policy == .reject && !final.testing)
    }

    @Test("RFC 9989 §4.7 v: MUST be the first tag, value DMARC1 case-sensitive, else the record MUST be ignored")
    func versionFirst() {
        #expect(DMARCRecord(parsing: "p=reject; v=DMARC1") == nil)
        #expect(DMARCRecord(parsing: "v=dmarc1; p=reject") == nil)
        #expect(DMARCRecord(parsing: "v=DMARC2; p=reject") == nil)
        #expect(DMARCRecord(parsing: "v=DMARC1x; p=reject") == nil)
        #expect(DMARCRecord(parsing: "p=reject") == nil)
        #expect(DMARCRecord(parsing: "") == nil)
        // "v" is an ABNF literal (case-insensitive, RFC 5234 §2.3); `equals` allows spaces and tabs.
        #expect(DMARCRecord(parsing: "V=DMARC1; p=reject")?.policy == .reject)
        #expect(DMARCRecord(parsing: "v = DMARC1 ;\tp = reject ;")?.policy == .reject)
        #expect(DMARCRecord(parsing: "v=DMARC1")?.policy == nil)
    }

    @Test("RFC 9989 §4.7 and §4.8: unknown tags MUST be ignored (pct, rf, ri are gone)")
    func unknownTagsIgnored() throws {
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; p=reject; pct=50; rf=afrf; ri=86400; foo=bar"))
        #expect(record.policy == .reject)
        #expect(record.discarded.map(\.text) == ["pct=50", "rf=afrf", "ri=86400", "foo=bar"])
        #expect(Set(record.discarded.map(\.reason)) == ["unknown tag"])
    }

    @Test("RFC 9989 §4.8: syntax errors MUST be discarded in favor of default values")
    func malformedTagsTakeDefaults() throws {
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; p=quarantine; adkim=x; aspf=relaxed; t=maybe; psd=q; fo=0:1; rua=; novalue; 9x=1"))
        #expect(record.policy == .quarantine)
        #expect(record.dkimAlignment == .relaxed)
        #expect(record.spfAlignment == .relaxed)
        #expect(record.testing == false)
        #expect(record.psd == .unknown)
        #expect(record.failureReportingOptions == [.allFail])
        #expect(record.discarded.map(\.text) == ["adkim=x", "aspf=relaxed", "t=maybe", "psd=q", "fo=0:1", "rua=", "novalue", "9x=1"])
        #expect(record.hasInvalidPolicy == false)
    }

    @Test("RFC 9989 §4.10.1: an invalid p, sp or np is noted, not replaced by a default")
    func invalidPolicies() throws {
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; p=bogus; sp=reject; np=deny"))
        #expect(record.policy == nil)
        #expect(record.subdomainPolicy == .reject)
        #expect(record.nonExistentSubdomainPolicy == nil)
        #expect(record.invalidPolicyTags == ["p", "np"])
        #expect(record.hasInvalidPolicy)
    }

    @Test("Tag names and literal values are case-insensitive ABNF strings; a repeated tag keeps its first value")
    func caseAndRepeats() throws {
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; P=Reject; ADKIM=S; aspf=s; p=none; Psd=N; fo=D:s:1"))
        #expect(record.policy == .reject)
        #expect(record.dkimAlignment == .strict)
        #expect(record.spfAlignment == .strict)
        #expect(record.psd == .no)
        #expect(record.failureReportingOptions == [.dkim, .spf, .anyFail])
        #expect(record.discarded.map(\.text) == ["p=none"])
        #expect(record.discarded.map(\.reason) == ["repeated tag: the first occurrence counts"])
    }

    @Test("RFC 9989 §4.8 dmarc-fo: 0 and 1 exclusive, d and s at most once")
    func failureOptions() {
        #expect(DMARCRecord(parsing: "v=DMARC1; fo=1:d:s")?.failureReportingOptions == [.anyFail, .dkim, .spf])
        #expect(DMARCRecord(parsing: "v=DMARC1; fo=s")?.failureReportingOptions == [.spf])
        #expect(DMARCRecord(parsing: "v=DMARC1; fo=d:d")?.failureReportingOptions == [.allFail])
        #expect(DMARCRecord(parsing: "v=DMARC1; fo=1:0")?.failureReportingOptions == [.allFail])
        #expect(DMARCRecord(parsing: "v=DMARC1; fo=2")?.failureReportingOptions == [.allFail])
    }

    @Test("RFC 9989 §4.8 dmarc-urilist: URIs with the obsolete size suffix; invalid URIs discarded; limits")
    func reportURIs() throws {
        let record = try #require(DMARCRecord(parsing:
            "v=DMARC1; rua=mailto:a@example.com!10m , https://r.example.net/x?y=1,bad uri,MAILTO:b%2Cc@example.com,mailto:c@example.com!5x"))
        #expect(record.aggregateReportURIs.map(\.uri) == ["mailto:a@example.com", "https://r.example.net/x?y=1", "mailto:b%2Cc@example.com"])
        #expect(record.aggregateReportURIs.map(\.obsoleteSizeLimit) == [10 << 20, nil, nil])
        #expect(record.aggregateReportURIs.first?.text == "mailto:a@example.com!10m")
        #expect(record.discarded.map(\.text) == ["bad uri", "mailto:c@example.com!5x"])

        let many = (0..<20).map { "mailto:r\($0)@example.com" }.joined(separator: ",")
        let limited = try #require(DMARCRecord(parsing: "v=DMARC1; ruf=" + many))
        #expect(limited.failureReportURIs.count == DMARCRecord.maximumReportURIs)
        #expect(limited.discarded.count == 20 - DMARCRecord.maximumReportURIs)
        #expect(ReportURI("mailto:a@example.com!99999999999999t"[...]) == nil)
        #expect(ReportURI(("mailto:" + String(repeating: "a", count: ReportURI.maximumLength)).dropFirst(0)) == nil)
    }

    @Test("Records longer than the limit are not DMARC records")
    func lengthLimit() {
        let padding = "; " + String(repeating: "x", count: DMARCRecord.maximumLength)
        #expect(DMARCRecord(parsing: "v=DMARC1; p=reject" + padding) == nil)
        #expect(DMARCRecord(parsing: "v=DMARC1; p=reject; " + String(repeating: "a", count: 4000) + "=1")?.policy == .reject)
    }

    @Test("RFC 9989 §4.10 steps 2 and 6: non-DMARC records discarded; several DMARC records all discarded")
    func selection() {
        #expect(DMARCRecord.select(["v=spf1 -all", "v=DMARC1; p=quarantine"])?.policy == .quarantine)
        #expect(DMARCRecord.select(["v=DMARC1; p=reject", "v=DMARC1; p=none"]) == nil)
        #expect(DMARCRecord.select(["v=spf1 -all"]) == nil)
        #expect(DMARCRecord.select([]) == nil)
    }

    @Test("RFC 9989 §4.7 t: y lowers the policy one step; none stays none")
    func lowering() {
        #expect(DMARCRecord.Policy.reject.lowered == .quarantine)
        #expect(DMARCRecord.Policy.quarantine.lowered == DMARCRecord.Policy.none)
        #expect(DMARCRecord.Policy.none.lowered == DMARCRecord.Policy.none)
    }
}
