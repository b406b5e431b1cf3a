import DANE
import DNS
import Foundation
import MTASTS
import SMTP
import TestSupport
import Testing
import TransportSecurity

/// The SMTP client's STARTTLS under the policy a DANE + MTA-STS sender chooses, against the lab's Postfix hosts.
@Suite("delivery TLS (lab)", .serialized)
struct DeliveryTLSLabTests {
    func session(_ domain: String, host: String) async throws -> Result<SMTPSessionReport, SMTPError> {
        let lab = try LabMTA()
        let dane = try await DANELookup(resolver: lab.resolver).policy(host: host, port: lab.port)
        guard case .connect(let tls) = DeliveryTLS.choose(host: host, nextHopDomain: domain, dane: dane, mtaSTS: nil,
                                                          trustRoots: try lab.trustRoots()) else {
            return .failure(.invalidConfiguration("skipped"))
        }
        let client = try lab.client(tls)
        do {
            return .success(try await client.probe(host: host, port: lab.port, resolver: lab.resolver))
        } catch {
            return .failure(error)
        }
    }

    @Test("RFC 7672 §3: DANE-EE and DANE-TA hosts complete STARTTLS under the DANE policy, SNI = TLSA base domain")
    func validatedHostsConnect() async throws {
        for (domain, host) in [("ee.dane.test", "mx.ee.dane.test"), ("ta.dane.test", "mx.ta.dane.test"),
                               ("takey.dane.test", "mx.takey.dane.test"), ("expired.dane.test", "mx.expired.dane.test"),
                               ("cname.dane.test", "mx.cname.dane.test")] {
            let report = try await session(domain, host: host).get()
            #expect(report.tls != nil, "\(host)")
        }
    }

    @Test("RFC 7672 §2.2: a mismatching record rejects the handshake; a host without STARTTLS fails the session")
    func failingHostsAreRefused() async throws {
        let mismatch = try await session("mismatch.dane.test", host: "mx.mismatch.dane.test")
        guard case .failure(let error) = mismatch else {
            Issue.record("the mismatching host must be rejected")
            return
        }
        #expect(error == .certificateRejected(""))
        #expect(error.reason.contains("no usable TLSA record matches"))
        let plaintext = try await session("nostarttls.dane.test", host: "mx.nostarttls.dane.test")
        guard case .failure(let refusal) = plaintext else {
            Issue.record("DANE requires STARTTLS")
            return
        }
        #expect(refusal == .startTLSUnavailable(""))
    }

    @Test("RFC 7672 §2.2: only unusable records → TLS required, any certificate accepted")
    func unusableEncryptsWithoutAuthentication() async throws {
        let report = try await session("unusable.dane.test", host: "mx.unusable.dane.test").get()
        #expect(report.tls != nil)
    }

    @Test("RFC 8461 §4.1: MTA-STS enforce with PKIX: the listed host connects, an unlisted one is skipped")
    func mtaSTSEnforce() async throws {
        let lab = try LabMTA()
        let policy = try MTASTSPolicy(mode: .enforce, maxAge: 86_400, mx: [MXPattern("mx.sts.dane.test")])
        let dane = try await DANELookup(resolver: lab.resolver).policy(host: "mx.sts.dane.test", port: lab.port)
        guard case .connect(let tls) = DeliveryTLS.choose(host: "mx.sts.dane.test", nextHopDomain: "sts.dane.test", dane: dane,
                                                          mtaSTS: policy, trustRoots: try lab.trustRoots()) else {
            Issue.record("the listed host must be contacted")
            return
        }
        let report = try await lab.client(tls).probe(host: "mx.sts.dane.test", port: lab.port, resolver: lab.resolver)
        #expect(report.tls != nil)
        guard case .skip(let reason) = DeliveryTLS.choose(host: "mx.other.test", nextHopDomain: "sts.dane.test", dane: .notApplicable("none"),
                                                          mtaSTS: policy, trustRoots: try lab.trustRoots()) else {
            Issue.record("an unlisted host must be skipped")
            return
        }
        #expect(reason.contains("matches none of mx.sts.dane.test"))
    }
}
