/// A span or instant of modeled device time, in picoseconds.
///
/// The design note first counted time in core cycles, but a loader changes SYSCLK half way
/// through `Init` (4 MHz MSIS to 160 MHz PLL1): a flash busy end scheduled in cycles would
/// move when the core clock changes. Picoseconds stay put; a `UInt64` holds 213 days.
public struct DeviceTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var picoseconds: UInt64

    public init(picoseconds: UInt64) { self.picoseconds = picoseconds }

    public static let zero = DeviceTime(picoseconds: 0)
    public static func nanoseconds(_ n: UInt64) -> DeviceTime { DeviceTime(picoseconds: n &* 1_000) }
    public static func microseconds(_ n: UInt64) -> DeviceTime { DeviceTime(picoseconds: n &* 1_000_000) }
    public static func milliseconds(_ n: UInt64) -> DeviceTime { DeviceTime(picoseconds: n &* 1_000_000_000) }
    public static func seconds(_ s: Double) -> DeviceTime { DeviceTime(picoseconds: UInt64((s * 1e12).rounded())) }

    /// The duration of `cycles` periods of a clock running at `hertz`.
    public static func cycles(_ cycles: UInt64, atHertz hertz: UInt64) -> DeviceTime {
        precondition(hertz > 0, "a clock of 0 Hz never ticks")
        let (high, low) = cycles.multipliedFullWidth(by: 1_000_000_000_000)
        let (quotient, _) = hertz.dividingFullWidth((high, low))
        return DeviceTime(picoseconds: quotient)
    }

    /// Whole cycles of a `hertz` clock that fit in this span.
    public func cycles(atHertz hertz: UInt64) -> UInt64 {
        let (high, low) = picoseconds.multipliedFullWidth(by: hertz)
        let (quotient, _) = UInt64(1_000_000_000_000).dividingFullWidth((high, low))
        return quotient
    }

    public var seconds: Double { Double(picoseconds) / 1e12 }

    public static func < (a: DeviceTime, b: DeviceTime) -> Bool { a.picoseconds < b.picoseconds }
    public static func + (a: DeviceTime, b: DeviceTime) -> DeviceTime { DeviceTime(picoseconds: a.picoseconds &+ b.picoseconds) }
    public static func - (a: DeviceTime, b: DeviceTime) -> DeviceTime {
        DeviceTime(picoseconds: a.picoseconds >= b.picoseconds ? a.picoseconds - b.picoseconds : 0)
    }
    public static func += (a: inout DeviceTime, b: DeviceTime) { a = a + b }

    public var description: String {
        let s = seconds
        if s >= 1 { return String(format: "%.3f s", s) }
        if s >= 1e-3 { return String(format: "%.3f ms", s * 1e3) }
        if s >= 1e-6 { return String(format: "%.3f µs", s * 1e6) }
        return "\(picoseconds / 1000) ns"
    }
}

import Foundation
