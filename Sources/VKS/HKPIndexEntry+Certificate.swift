public import struct Foundation.Date
public import OpenPGP

extension HKPIndexEntry {
    /// The index entry of a certificate as published: its user IDs in order, flags from its status at `time`.
    public init(certificate: Certificate, at time: Date) {
        let status = certificate.status(at: time)
        var flags = ""
        if status.validity.isRevoked { flags += "r" }
        if status.validity.isExpired { flags += "e" }
        self.init(fingerprint: certificate.fingerprint.description,
                  algorithm: Int(certificate.primaryKey.algorithm.rawValue),
                  bits: certificate.primaryKey.bitLength,
                  created: certificate.primaryKey.created,
                  expires: status.expiration,
                  flags: flags,
                  userIDs: certificate.userIDs.map(\.userID.value))
    }
}
