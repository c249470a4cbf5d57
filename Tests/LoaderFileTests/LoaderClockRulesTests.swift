import Testing
@testable import LoaderFile

/// The clocks Firmware/README.md says `Init` accepts.
@Suite struct LoaderClockRulesTests {
    @Test func everyWholeMHzFrom5To160ExceptTheOddOnes137To159() {
        for mhz in UInt32(5)...160 {
            let refused = mhz >= 137 && mhz % 2 == 1
            let problem = LoaderClockRules.problem(sysclkHz: mhz * 1_000_000, octospiDivider: 2)
            #expect((problem != nil) == refused, "\(mhz) MHz: \(problem ?? "accepted")")
        }
    }

    @Test func fourMHzStaysOnMSIS() {
        #expect(LoaderClockRules.problem(sysclkHz: 4_000_000, octospiDivider: 1) == nil)
    }

    @Test func the160MHzDefaultIsN80R2() throws {
        let pll = try #require(LoaderClockRules.pll(forSysclk: 160_000_000))
        #expect(pll.n == 80 && pll.r == 2)
    }

    @Test func outsideTheSTM32U5RangeIsRefused() {
        #expect(LoaderClockRules.problem(sysclkHz: 3_999_999, octospiDivider: 1) != nil)
        #expect(LoaderClockRules.problem(sysclkHz: 161_000_000, octospiDivider: 2) != nil)
    }

    @Test func theFlashClockMayBe133MHzButNotMore() {
        #expect(LoaderClockRules.problem(sysclkHz: 133_000_000, octospiDivider: 1) == nil)
        #expect(LoaderClockRules.problem(sysclkHz: 134_000_000, octospiDivider: 1) != nil)
        #expect(LoaderClockRules.problem(sysclkHz: 160_000_000, octospiDivider: 0) != nil)
    }
}
