import NORFlash
import VirtualTime

/// The fastest any loader could program an image into a flash part, from the datasheet: the
/// yardstick `bench --json` measures a session's modeled device time against.
///
/// For the requested ranges (device offsets), the limit is
/// - erase: the ranges widened to the smallest erase unit, covered greedily by the largest
///   aligned erase unit that fits (64 KiB blocks, then 32 KiB, then 4 KiB sectors), each at
///   its typical time;
/// - program: one page program per 256-byte page touched, at the typical page-program time;
/// - bus: each page's quad input page program (1-1-4, 4-byte address: 8 + 32 clocks, then 2
///   clocks per byte) and each erase command (8 + 32 clocks), each after an 8-clock WREN, at
///   the flash's maximum clock. Status polls, nCS high time and the MCU's own work are left
///   out: no loader can avoid less than this.
public struct DatasheetLimit: Sendable, Equatable {
    public var eraseSeconds: Double
    public var programSeconds: Double
    public var busSeconds: Double
    public var totalSeconds: Double { eraseSeconds + programSeconds + busSeconds }

    /// IS25LP512M fast-read and program clock at 3.0 V (../shared/reference/is25lp512m.md
    /// "Fast read up to 133 MHz"); the part table does not carry clock limits yet.
    public static let is25lp512mMaximumClockHz: Double = 133_000_000

    public init(ranges: [Range<UInt64>], part: FlashPart, maximumClockHz: Double = DatasheetLimit.is25lp512mMaximumClockHz) {
        let timings = part.typicalTimings
        let units = part.eraseSizes.filter { $0 > 0 }.sorted(by: >)
        let smallest = UInt64(units.last ?? 4096)
        let page = UInt64(max(part.pageSize, 1))
        let merged = Self.merge(ranges)
        var erase = 0.0
        var eraseCommands = 0
        for r in Self.merge(merged.map { ($0.lowerBound / smallest * smallest)..<(($0.upperBound + smallest - 1) / smallest * smallest) }) {
            var cursor = r.lowerBound
            while cursor < r.upperBound {
                let unit = units.map(UInt64.init).first { cursor % $0 == 0 && cursor + $0 <= r.upperBound } ?? smallest
                erase += timings.erase(bytes: Int(unit)).seconds
                eraseCommands += 1
                cursor += unit
            }
        }
        var pages = 0
        var dataBytes: UInt64 = 0
        var lastPage: UInt64?
        for r in merged where !r.isEmpty {
            let first = r.lowerBound / page, last = (r.upperBound - 1) / page
            pages += Int(last - first + 1) - (lastPage == first ? 1 : 0)
            lastPage = last
            dataBytes += UInt64(r.count)
        }
        eraseSeconds = erase
        programSeconds = Double(pages) * timings.pageProgram.seconds
        let clocks = Double(pages) * (8 + 8 + 32) + Double(dataBytes) * 2 + Double(eraseCommands) * (8 + 8 + 32)
        busSeconds = clocks / maximumClockHz
    }

    static func merge(_ ranges: [Range<UInt64>]) -> [Range<UInt64>] {
        var out: [Range<UInt64>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !r.isEmpty {
            if let last = out.last, r.lowerBound <= last.upperBound {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}
