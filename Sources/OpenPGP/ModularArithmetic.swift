/// Just enough unsigned big-integer arithmetic for DSA verification (FIPS 186-4 §4.7), which
/// swift-crypto does not offer: numbers are little-endian `UInt32` limbs, moduli are odd, and
/// multiplication modulo them uses Montgomery's method. Only public values pass through here,
/// so nothing needs to be constant-time.
struct Montgomery {
    let modulus: [UInt32]
    private let n: Int
    private let inverse: UInt32  // -modulus⁻¹ mod 2³²
    private let rSquared: [UInt32]  // R² mod modulus, R = 2^(32n)

    /// nil if the modulus is even or zero.
    init?(modulus m: [UInt32]) {
        let trimmed = BigNumber.trim(m)
        guard let low = trimmed.first, low & 1 == 1 else { return nil }
        modulus = trimmed
        n = trimmed.count
        var inv: UInt32 = 1
        for _ in 0..<5 { inv = inv &* (2 &- low &* inv) }
        inverse = 0 &- inv
        var r = [UInt32](repeating: 0, count: n)
        r[0] = 1
        r = BigNumber.reduce(r, modulo: trimmed, n: n)
        for _ in 0..<(64 * n) { r = BigNumber.doubleModulo(r, trimmed) }
        rSquared = r
    }

    /// a·b·R⁻¹ mod modulus for a, b < modulus of `n` limbs.
    func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var t = [UInt32](repeating: 0, count: n + 2)
        for i in 0..<n {
            var carry: UInt64 = 0
            let bi = UInt64(b[i])
            for j in 0..<n {
                let v = UInt64(t[j]) + UInt64(a[j]) * bi + carry
                t[j] = UInt32(truncatingIfNeeded: v)
                carry = v >> 32
            }
            var v = UInt64(t[n]) + carry
            t[n] = UInt32(truncatingIfNeeded: v)
            t[n + 1] = UInt32(v >> 32)
            let m = UInt64(t[0] &* inverse)
            v = UInt64(t[0]) + m * UInt64(modulus[0])
            carry = v >> 32
            for j in 1..<n {
                v = UInt64(t[j]) + m * UInt64(modulus[j]) + carry
                t[j - 1] = UInt32(truncatingIfNeeded: v)
                carry = v >> 32
            }
            v = UInt64(t[n]) + carry
            t[n - 1] = UInt32(truncatingIfNeeded: v)
            t[n] = t[n + 1] + UInt32(v >> 32)
        }
        var result = Array(t[0...n])
        if BigNumber.compare(result, modulus) >= 0 { result = BigNumber.subtract(result, modulus) }
        return Array(result[0..<n])
    }

    /// The residue of any number (bit-serial reduction), padded to `n` limbs.
    func residue(_ x: [UInt32]) -> [UInt32] { BigNumber.reduce(x, modulo: modulus, n: n) }

    /// a·b mod modulus.
    func multiplyModulo(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        multiply(multiply(residue(a), residue(b)), rSquared)
    }

    /// base^exponent mod modulus.
    func power(_ base: [UInt32], _ exponent: [UInt32]) -> [UInt32] {
        let b = multiply(residue(base), rSquared)
        var one = [UInt32](repeating: 0, count: n)
        one[0] = 1
        var result = multiply(one, rSquared)
        let e = BigNumber.trim(exponent)
        for limb in e.reversed() {
            for bit in (0..<32).reversed() {
                result = multiply(result, result)
                if (limb >> UInt32(bit)) & 1 == 1 { result = multiply(result, b) }
            }
        }
        return multiply(result, one)
    }
}

enum BigNumber {
    /// Big-endian bytes to little-endian limbs.
    static func limbs(_ bytes: [UInt8]) -> [UInt32] {
        var out: [UInt32] = []
        var i = bytes.count
        while i > 0 {
            var limb: UInt32 = 0
            for k in stride(from: max(0, i - 4), to: i, by: 1) { limb = limb << 8 | UInt32(bytes[k]) }
            out.append(limb)
            i -= 4
        }
        return trim(out)
    }

    static func trim(_ x: [UInt32]) -> [UInt32] {
        var x = x
        while let last = x.last, last == 0 { x.removeLast() }
        return x
    }

    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        let a = trim(a), b = trim(b)
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return 0
    }

    /// a − b for a ≥ b.
    static func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out = a
        var borrow: Int64 = 0
        for i in 0..<out.count {
            var v = Int64(out[i]) - borrow - (i < b.count ? Int64(b[i]) : 0)
            borrow = 0
            if v < 0 { v += 1 << 32; borrow = 1 }
            out[i] = UInt32(v)
        }
        return out
    }

    /// 2x mod m for x < m.
    static func doubleModulo(_ x: [UInt32], _ m: [UInt32]) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: x.count + 1)
        var carry: UInt32 = 0
        for i in 0..<x.count {
            out[i] = x[i] << 1 | carry
            carry = x[i] >> 31
        }
        out[x.count] = carry
        if compare(out, m) >= 0 { out = subtract(out, m) }
        return Array(out[0..<x.count])
    }

    /// x mod m by shift-and-subtract, padded to n limbs.
    static func reduce(_ x: [UInt32], modulo m: [UInt32], n: Int) -> [UInt32] {
        var r = [UInt32](repeating: 0, count: n + 1)
        let x = trim(x)
        for limb in x.reversed() {
            for bit in (0..<32).reversed() {
                var carry = (limb >> UInt32(bit)) & 1
                for i in 0...n {
                    let next = r[i] >> 31
                    r[i] = r[i] << 1 | carry
                    carry = next
                }
                if compare(r, m) >= 0 { r = subtract(r, m) }
            }
        }
        return Array(r[0..<n])
    }

    static func bitLength(_ x: [UInt32]) -> Int {
        let t = trim(x)
        guard let top = t.last else { return 0 }
        return (t.count - 1) * 32 + (32 - top.leadingZeroBitCount)
    }
}

/// DSA signature verification (FIPS 186-4 §4.7; RFC 9580 §5.2.3.2 truncates the hash to the size of q).
func dsaVerify(p: [UInt8], q: [UInt8], g: [UInt8], y: [UInt8], r: [UInt8], s: [UInt8], digest: [UInt8]) -> Bool {
    let pL = BigNumber.limbs(p), qL = BigNumber.limbs(q), gL = BigNumber.limbs(g), yL = BigNumber.limbs(y)
    let rL = BigNumber.limbs(r), sL = BigNumber.limbs(s)
    let qBits = BigNumber.bitLength(qL)
    guard qBits >= 160, qBits <= 512, BigNumber.bitLength(pL) <= 8192,
          let modP = Montgomery(modulus: pL), let modQ = Montgomery(modulus: qL),
          !rL.isEmpty, !sL.isEmpty, BigNumber.compare(rL, qL) < 0, BigNumber.compare(sL, qL) < 0
    else { return false }
    // z: the leftmost min(N, outlen) bits of the digest.
    var z = BigNumber.limbs(digest)
    let excess = digest.count * 8 - qBits
    if excess > 0 {
        let bytesToDrop = excess / 8, bitsToDrop = excess % 8
        var truncated = Array(digest.dropLast(bytesToDrop))
        if bitsToDrop > 0 {
            var carry: UInt8 = 0
            for i in 0..<truncated.count {
                let b = truncated[i]
                truncated[i] = b >> UInt8(bitsToDrop) | carry
                carry = b << UInt8(8 - bitsToDrop)
            }
        }
        z = BigNumber.limbs(truncated)
    }
    let qMinus2 = BigNumber.subtract(qL, [2])
    let w = modQ.power(sL, qMinus2)
    let u1 = modQ.multiplyModulo(z, w)
    let u2 = modQ.multiplyModulo(rL, w)
    let v = modP.multiplyModulo(modP.power(gL, u1), modP.power(yL, u2))
    return BigNumber.compare(BigNumber.reduce(v, modulo: qL, n: qL.count), rL) == 0
}

/// The DER `DigestInfo` prefix for SHA-224 (RFC 8017 §9.2, note 1).
let sha224DigestInfo: [UInt8] = [
    0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c,
]

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) for the digests swift-crypto cannot take (SHA-224):
/// s^e mod n must equal `00 01 FF… 00 ‖ digestInfo` exactly.
func rsaPKCS1v15Verify(modulus: [UInt8], exponent: [UInt8], signature: [UInt8], digestInfo: [UInt8]) -> Bool {
    let n = BigNumber.limbs(modulus), e = BigNumber.limbs(exponent), s = BigNumber.limbs(signature)
    let k = modulus.count
    guard BigNumber.bitLength(n) <= 16_384, BigNumber.bitLength(e) <= 64, !e.isEmpty,
          k >= digestInfo.count + 11, BigNumber.compare(s, n) < 0, let montgomery = Montgomery(modulus: n)
    else { return false }
    var encoded: [UInt8] = []
    for limb in montgomery.power(s, e).reversed() {
        for shift in [24, 16, 8, 0] { encoded.append(UInt8(truncatingIfNeeded: limb >> UInt32(shift))) }
    }
    encoded = Array(encoded.drop(while: { $0 == 0 }))
    guard encoded.count < k else { return false }
    encoded = [UInt8](repeating: 0, count: k - encoded.count) + encoded
    let expected = [0x00, 0x01] + [UInt8](repeating: 0xFF, count: k - 3 - digestInfo.count) + [0x00] + digestInfo
    return encoded == expected
}
