import NORFlash
import Testing
@testable import Programmer

/// The datasheet limit `bench --json` compares sessions with (IS25LP512M typical times,
/// ../shared/reference/is25lp512m.md §A.6).
@Suite("Datasheet limit")
struct DatasheetLimitTests {
    @Test func theSampleIsTwelve64KiBBlocksAnd3072PagesAtTypicalTimes() {
        let limit = DatasheetLimit(ranges: [0..<786_432], part: .is25lp512m)
        #expect(abs(limit.eraseSeconds - 12 * 0.170) < 1e-9)
        #expect(abs(limit.programSeconds - 3072 * 0.000_200) < 1e-9)
        // Per page: WREN 8 + 34h 8 + address 32 clocks + 256 bytes on 4 lines; per block: WREN + D8h/DCh + address.
        let clocks = 3072.0 * 48 + 786_432 * 2 + 12 * 48
        #expect(abs(limit.busSeconds - clocks / 133_000_000) < 1e-12)
    }

    @Test func anUnalignedRangeUsesSmallerUnitsAtItsEndsAndCountsEveryTouchedPage() {
        // 0x1003 ..< 0x2_2238 widens to 0x1000 ..< 0x2_3000: seven 4 KiB sectors up to 0x8000,
        // a 32 KiB block to 0x1_0000, a 64 KiB block to 0x2_0000, three 4 KiB sectors.
        let limit = DatasheetLimit(ranges: [0x1003..<0x2_2238], part: .is25lp512m)
        let erase = 7 * 0.070 + 0.140 + 0.170 + 3 * 0.070
        #expect(abs(limit.eraseSeconds - erase) < 1e-9)
        let pages = (0x2_2237 / 256) - (0x1003 / 256) + 1
        #expect(abs(limit.programSeconds - Double(pages) * 0.000_200) < 1e-9)
    }

    @Test func overlappingRangesAreCountedOnce() {
        let once = DatasheetLimit(ranges: [0..<65_536], part: .is25lp512m)
        let twice = DatasheetLimit(ranges: [0..<40_000, 30_000..<65_536], part: .is25lp512m)
        #expect(once == twice)
    }
}
