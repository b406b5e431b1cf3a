import Testing
@testable import CAA

@Suite struct CAATargetTests {
    @Test func targetLinks() { #expect(String(describing: CAA.self) == "CAA") }
}
