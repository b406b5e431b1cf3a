import DKIM
import Testing

/// RFC 6376 §3.6.1: key records.
@Suite struct KeyRecordTests {
    func reason(_ text: String) -> String? {
        do {
            _ = try KeyRecord(parsing: Array(text.utf8))
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("§3.6.1: defaults are k=rsa, s=*, no flags, any hash")
    func defaults() throws {
        let record = try KeyRecord(parsing: Array("p=AAAA".utf8))
        #expect(record.keyType == "rsa")
        #expect(record.serviceTypes == ["*"])
        #expect(record.hashes == nil)
        #expect(!record.isTesting && !record.requiresExactIdentityDomain && !record.isRevoked)
    }

    @Test("§3.6.1: v= must be DKIM1 and the first tag")
    func version() {
        #expect(reason("v=DKIM2; p=AAAA") == "key record v=DKIM2 is not DKIM1 (RFC 6376 §3.6.1)")
        #expect(reason("k=rsa; v=DKIM1; p=AAAA") == "v= is not the first tag of the key record (RFC 6376 §3.6.1)")
    }

    @Test("§3.6.1: p= is required; an empty p= means revoked")
    func publicKey() throws {
        #expect(reason("v=DKIM1; k=rsa") == "key record has no p= (RFC 6376 §3.6.1)")
        #expect(try KeyRecord(parsing: Array("v=DKIM1; p=".utf8)).isRevoked)
        #expect(reason("v=DKIM1; p=!!!") == "key record p= is not base64 (RFC 6376 §3.6.1)")
    }

    @Test("§3.6.1: h=, s= and t= lists, with white space; unknown tags ignored")
    func lists() throws {
        let record = try KeyRecord(parsing: Array("v=DKIM1; k=ED25519; h=sha1 : sha256; s=email:*; t=y:s; n=notes; zz=1; p=AAAA".utf8))
        #expect(record.keyType == "ed25519")
        #expect(record.hashes == ["sha1", "sha256"])
        #expect(record.serviceTypes == ["email", "*"])
        #expect(record.isTesting && record.requiresExactIdentityDomain)
    }

    @Test("§3.6.2.2: base64 split across strings with white space is joined")
    func whiteSpaceInKey() throws {
        #expect(try KeyRecord(parsing: Array("p=AA AA".utf8)).publicKeyData == [0, 0, 0])
    }

    /// The fuzz harness's find (CI 2026-12-06): `k=` with no value left the record with an empty key type.
    @Test("§3.6.1: k= and s= must name something")
    func emptyKeyTypeAndServiceTypesAreRefused() {
        #expect(reason("v=DKIM1; k=; p=AAAA") == "key record k= is empty (RFC 6376 §3.6.1)")
        #expect(reason("v=DKIM1; k= ; p=AAAA") == "key record k= is empty (RFC 6376 §3.6.1)")
        #expect(reason("v=DKIM1; s=:; p=AAAA") == "key record s= names no service type (RFC 6376 §3.6.1)")
        #expect(reason("v=DKIM1; s=; p=AAAA") == "key record s= names no service type (RFC 6376 §3.6.1)")
    }
}
