import DMARC
import DNS
import Foundation
import TestSupport
import Testing

/// Stockade next to checkdmarc (PyPI) and Debian's OpenDMARC on the same records and the lab's `dmarc.test` zone.
/// Where a peer differs from RFC 9989, the test asserts both answers and names the section Stockade follows.
@Suite("DMARC side by side with checkdmarc and OpenDMARC (lab)")
struct PeerTests {
    /// checkdmarc's view of records given as text (`parse_dmarc_record`) or of domains in the lab (`check_dmarc`):
    /// one JSON object per input, `{"tags": {name: value}}` or `{"error": "..."}`, plus `location` for domains.
    static func checkdmarc(_ mode: String, _ inputs: [String]) throws -> [[String: Any]] {
        let script = """
            import json, sys, warnings
            warnings.filterwarnings("ignore")
            import dns.resolver
            from checkdmarc import dmarc
            host, port = sys.argv[2].rsplit(":", 1)
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [host]
            resolver.port = int(port)
            def tags(parsed):
                return {k: (v["value"] if k not in ("rua", "ruf") else [u["scheme"] + ":" + u["address"] for u in v["value"]]) for k, v in parsed.items()}
            for item in sys.argv[3:]:
                try:
                    if sys.argv[1] == "record":
                        print(json.dumps({"tags": tags(dmarc.parse_dmarc_record(item, "example.test", resolver=resolver, timeout=2)["tags"])}))
                    else:
                        result = dmarc.check_dmarc(item, resolver=resolver, timeout=2)
                        out = {"location": result.get("location")}
                        if result.get("error"): out["error"] = result["error"]
                        if result.get("tags"): out["tags"] = tags(result["tags"])
                        print(json.dumps(out))
                except Exception as error:
                    print(json.dumps({"error": str(error)}))
            """
        let output = try runTool("python3", ["-W", "ignore", "-c", script, mode, try labVariable("STOCKADE_RESOLVER")] + inputs)
        return try String(decoding: output, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// `opendmarc-check DOMAIN` for each domain, run in a private mount namespace where the lab's resolv.conf is
    /// /etc/resolv.conf (OpenDMARC only reads the system resolver; needs root, as lab/README.md says).
    static func opendmarc(_ domains: [String]) throws -> [String: String] {
        let script = "mount --bind \"$0\" /etc/resolv.conf || exit 1; for d in \"$@\"; do echo \"== $d\"; opendmarc-check \"$d\" 2>&1; done; exit 0"
        let output = try runTool("unshare", ["-m", "--propagation", "private", "sh", "-c", script, try labVariable("STOCKADE_LAB_RESOLV_CONF")] + domains)
        var answers: [String: String] = [:]
        for block in String(decoding: output, as: UTF8.self).components(separatedBy: "== ").dropFirst() {
            let lines = block.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            answers[String(lines[0])] = lines.count > 1 ? String(lines[1]) : ""
        }
        return answers
    }

    func evaluator(_ mode: DMARCEvaluator.Mode = .rfc9989) throws -> DMARCEvaluator {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        return DMARCEvaluator(dns: ResolverDMARCDNS(resolver: resolver), mode: mode)
    }

    @Test("Records as text: where checkdmarc and Stockade agree (RFC 9989 §4.7 defaults, §4.8 unknown and invalid tags)")
    func recordsAgree() throws {
        let records = ["v=DMARC1; p=reject; foo=bar", "v=DMARC1; p=reject; adkim=x", "v=DMARC1; p=reject; pct=50",
                       "v=DMARC1; p=Reject; fo=0:1", "v=DMARC1", "v=DMARC1; p=quarantine; sp=none; np=reject; adkim=s; aspf=s; t=y; psd=n; fo=1:d"]
        let peer = try Self.checkdmarc("record", records)
        for (text, answer) in zip(records, peer) {
            let record = try #require(DMARCRecord(parsing: text))
            let tags = try #require(answer["tags"] as? [String: Any], "\(text): \(answer)")
            let expected = ["p": record.policy?.rawValue ?? "none", "adkim": record.dkimAlignment.rawValue, "aspf": record.spfAlignment.rawValue,
                            "t": record.testing ? "y" : "n", "psd": record.psd.rawValue,
                            "fo": record.failureReportingOptions.map(\.rawValue).joined(separator: ":")]
            for (name, value) in expected {
                #expect(tags[name] as? String == value, "\(text): \(name)")
            }
            // checkdmarc fills sp from p and np from sp (RFC 9989 §4.7 sp and np); Stockade keeps them absent and applies the same fallback.
            #expect(tags["sp"] as? String == (record.subdomainPolicy ?? record.policy ?? .none).rawValue, "\(text): sp")
            #expect(tags["np"] as? String == (record.nonExistentSubdomainPolicy ?? record.subdomainPolicy ?? record.policy ?? .none).rawValue, "\(text): np")
        }
    }

    @Test("Records as text: where checkdmarc errors and RFC 9989 discards (§4.8 repeated tag, §4.10.1 invalid p with rua)")
    func recordsDiffer() throws {
        let peer = try Self.checkdmarc("record", ["v=DMARC1; p=reject; p=none", "v=DMARC1; p=bogus; rua=mailto:a@example.test"])
        #expect(peer[0]["error"] as? String == "Duplicate p tags are not permitted")
        #expect(DMARCRecord(parsing: "v=DMARC1; p=reject; p=none")?.policy == .reject)
        #expect(peer[1]["error"] as? String == "Tag p must have one of the following values: none,quarantine,reject - not bogus")
        let record = try #require(DMARCRecord(parsing: "v=DMARC1; p=bogus; rua=mailto:a@example.test"))
        #expect(record.invalidPolicyTags == ["p"] && record.aggregateReportURIs.count == 1)
    }

    @Test("Lab domains: checkdmarc's record location against Stockade's policy domain; its errors against RFC 9989")
    func labDomains() async throws {
        let domains = ["reject.dmarc.test", "mail.reject.dmarc.test", "www.noorg.psd.dmarc.test", "b25.dmarc.test",
                       "malformed.dmarc.test", "multi.dmarc.test", "mixed.dmarc.test", "x.child.secure.test"]
        let peer = try Self.checkdmarc("domain", domains)
        let stockade = try evaluator()
        var ours: [String: DMARCResult] = [:]
        for domain in domains { ours[domain] = await stockade.evaluate(authorDomain: domain, spf: nil, dkim: []) }

        // Agreement: the record found by walking up (checkdmarc 6 walks too) and its tags.
        for (index, domain) in domains.prefix(4).enumerated() {
            #expect(peer[index]["location"] as? String == ours[domain]?.policyDomain, "\(domain)")
        }
        let tags = try #require(peer[0]["tags"] as? [String: Any])
        let record = try #require(ours["reject.dmarc.test"]?.record)
        #expect(tags["rua"] as? [String] == record.aggregateReportURIs.map(\.uri))
        #expect(tags["ruf"] as? [String] == record.failureReportURIs.map(\.uri))
        #expect(tags["fo"] as? String == "1:d:s" && record.failureReportingOptions == [.anyFail, .dkim, .spf])
        #expect((peer[3]["tags"] as? [String: Any])?["t"] as? String == "y")

        // checkdmarc errors; RFC 9989 §4.8 discards the repeated p and applies the first.
        #expect(peer[4]["error"] as? String == "Duplicate p tags are not permitted")
        #expect(ours["malformed.dmarc.test"]?.disposition == .reject)
        // Both see no usable record at multi (§4.10 step 2: several DMARC records are all discarded).
        #expect(peer[5]["error"] as? String == "Multiple DMARC policy records are not permitted - https://www.rfc-editor.org/rfc/rfc9989.html#section-4.10")
        #expect(ours["multi.dmarc.test"]?.verdict == DMARCResult.Verdict.none)
        // checkdmarc refuses a _dmarc RRset with an unrelated TXT record; §4.10 step 2 discards it and uses the DMARC one.
        #expect((peer[6]["error"] as? String)?.hasPrefix("Unrelated TXT records were discovered.") == true)
        #expect(ours["mixed.dmarc.test"]?.disposition == .quarantine)
        // SERVFAIL: an error for checkdmarc, temperror for Stockade (§5.3.6).
        #expect((peer[7]["error"] as? String)?.hasSuffix("answered SERVFAIL") == true)
        #expect(ours["x.child.secure.test"]?.verdict == .temperror)
    }

    @Test("OpenDMARC (opendmarc-check): same record values; PSL instead of the tree walk; stricter parsing")
    func openDMARC() async throws {
        let domains = ["reject.dmarc.test", "mail.reject.dmarc.test", "www.noorg.psd.dmarc.test", "malformed.dmarc.test",
                       "badp.dmarc.test", "nop.dmarc.test", "multi.dmarc.test", "mixed.dmarc.test", "x.child.secure.test"]
        let peer = try Self.opendmarc(domains)
        let stockade = try evaluator()
        let legacy = try evaluator(.rfc7489(.bundled))

        // The same record, read the same way.
        #expect(peer["reject.dmarc.test"] == """
            DMARC record for reject.dmarc.test:
            \tSample percentage: 100
            \tDKIM alignment: strict
            \tSPF alignment: relaxed
            \tDomain policy: reject
            \tSubdomain policy: quarantine
            \tAggregate report URIs:
            \t\tmailto:agg@reject.dmarc.test
            \t\tmailto:agg@example.net!10m
            \tFailure report URIs:
            \t\tmailto:fail@reject.dmarc.test

            """)
        let record = try #require(await stockade.evaluate(authorDomain: "reject.dmarc.test", spf: nil, dkim: []).record)
        #expect(record.aggregateReportURIs.map(\.text) == ["mailto:agg@reject.dmarc.test", "mailto:agg@example.net!10m"])

        // OpenDMARC finds the Organizational Domain with the Public Suffix List (dmarc.test), as Stockade's RFC 7489 mode
        // does; RFC 9989 §4.10.1's tree walk finds the record of reject.dmarc.test and of the PSD psd.dmarc.test.
        for domain in ["mail.reject.dmarc.test", "www.noorg.psd.dmarc.test"] {
            #expect(peer[domain] == "opendmarc-check: opendmarc_policy_query_dmarc(\(domain)): Looked up domain lacked a DMARC record\n")
            #expect(await legacy.evaluate(authorDomain: domain, spf: nil, dkim: []).verdict == .none)
        }
        #expect(await stockade.evaluate(authorDomain: "mail.reject.dmarc.test", spf: nil, dkim: []).policyDomain == "reject.dmarc.test")
        #expect(await stockade.evaluate(authorDomain: "www.noorg.psd.dmarc.test", spf: nil, dkim: []).policyDomain == "psd.dmarc.test")

        // OpenDMARC rejects a record with a bad value; RFC 9989 §4.8 discards the tag, §4.10.1 makes an invalid p none.
        for domain in ["malformed.dmarc.test", "badp.dmarc.test"] {
            #expect(peer[domain] == "opendmarc-check: opendmarc_policy_query_dmarc(\(domain)): Found DMARC record contained a bad token value\n")
        }
        #expect(await stockade.evaluate(authorDomain: "malformed.dmarc.test", spf: nil, dkim: []).disposition == .reject)
        #expect(await stockade.evaluate(authorDomain: "badp.dmarc.test", spf: nil, dkim: []).disposition == DMARCRecord.Policy.none)
        // OpenDMARC requires p (RFC 7489 §6.3); RFC 9989 §4.7 treats a missing p as none.
        #expect(peer["nop.dmarc.test"] == "opendmarc-check: opendmarc_policy_query_dmarc(nop.dmarc.test): Found DMARC record lacked a required p= entry\n")
        #expect(await stockade.evaluate(authorDomain: "nop.dmarc.test", spf: nil, dkim: []).disposition == DMARCRecord.Policy.none)
        // OpenDMARC takes one of two DMARC records (whichever the resolver lists last); RFC 9989 §4.10 step 2 discards both.
        let multi = try #require(peer["multi.dmarc.test"])
        #expect(multi.hasPrefix("DMARC record for multi.dmarc.test:\n"))
        #expect(multi.contains("\tDomain policy: none\n") || multi.contains("\tDomain policy: reject\n"))
        #expect(await stockade.evaluate(authorDomain: "multi.dmarc.test", spf: nil, dkim: []).verdict == DMARCResult.Verdict.none)
        // An SPF record beside the DMARC one: RFC 9989 §4.10 step 2 discards records that do not start with v=DMARC1,
        // so Stockade always finds p=quarantine. OpenDMARC depends on the order the resolver lists the two (unbound
        // rotates it): it finds the record, or says there is none (seen in about one run in four).
        let mixed = try #require(peer["mixed.dmarc.test"])
        #expect(mixed.contains("\tDomain policy: quarantine\n")
                || mixed == "opendmarc-check: opendmarc_policy_query_dmarc(mixed.dmarc.test): Looked up domain lacked a DMARC record\n")
        #expect(await stockade.evaluate(authorDomain: "mixed.dmarc.test", spf: nil, dkim: []).disposition == .quarantine)
        // SERVFAIL: tempfail for both.
        #expect(peer["x.child.secure.test"] == "opendmarc-check: opendmarc_policy_query_dmarc(x.child.secure.test): DNS lookup of domain tempfailed\n")
    }
}
