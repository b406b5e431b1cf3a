import CDKIMScan

/// The vector instructions the scans of `CDKIMScan` run on, chosen at run time for this CPU; `portable` is the Swift
/// code, sixteen octets at a time, which every scan has.
///
/// - `avx2`: x86-64 AVX2, 32 octets at a time (relaxed body lines, bare LF, base64).
/// - `avx512`: AVX-512 F, BW and VBMI2 (and BMI2) as well: relaxed body lines and relaxed header values 64 octets at a
///   time, the kept octets of each closed up by one instruction (the other scans stay AVX2).
enum VectorUnit: Int, Comparable, CaseIterable, Sendable {
    case portable, avx2, avx512

    /// The widest this CPU runs.
    static let best: VectorUnit = cdkim_has_avx512_vbmi2() != 0 ? .avx512 : cdkim_has_avx2() != 0 ? .avx2 : .portable

    /// Every unit this CPU runs, portable first: the tests compare each with the portable code.
    static var available: [VectorUnit] { allCases.filter { $0 <= best } }

    static func < (lhs: VectorUnit, rhs: VectorUnit) -> Bool { lhs.rawValue < rhs.rawValue }
}
