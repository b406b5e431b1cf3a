/// The SMTP client as the MTA describes it in the connect command (`C`).
public struct MilterClient: Sendable, Equatable {
    /// The client's address family, the letter after the host name (`SMFIA_*` in Sendmail's `mfdef.h`).
    public enum Family: UInt8, Sendable, Equatable {
        /// `U`: unknown; no port or address follows.
        case unknown = 0x55
        /// `L`: a local (Unix-domain) socket; the address is its path.
        case unix = 0x4C
        /// `4`: IPv4.
        case inet = 0x34
        /// `6`: IPv6.
        case inet6 = 0x36
    }

    /// The client's host name as the MTA resolved it, or `[address]` when it did not (Postfix's `unknown` shows
    /// as `[127.0.0.1]`).
    public var hostname: String
    public var family: Family
    /// The client's TCP port; 0 for the unknown and local families.
    public var port: UInt16
    /// The address as text (`192.0.2.1`, `2001:db8::1` without Sendmail's `IPv6:` prefix, a socket path); empty
    /// for the unknown family.
    public var address: String

    public init(hostname: String, family: Family, port: UInt16 = 0, address: String = "") {
        self.hostname = hostname
        self.family = family
        self.port = port
        self.address = address
    }
}
