import CortexM
import VirtualTime

/// DLYB_OCTOSPIn (RM0456 delay block), at 0x420C_F000 (1) and 0x420C_F400 (2): a line of
/// 12 delay cells that shifts the OCTOSPI's sampling clock in DTR reads.
///
/// Registers (`stm32u5a9xx.h` DLYB_CR/DLYB_CFGR fields):
/// - CR: DEN b0 (enable), SEN b1 (sampler length enable: CFGR.SEL/UNIT writable, LNG valid).
/// - CFGR: SEL b3:0 (output tap 0-12), UNIT b14:8 (delay per cell), LNG b27:16 (read-only),
///   LNGF b31 (LNG valid).
///
/// Model of the length sampler, enough for ST's calibration (`LL_DLYB_GetClockPeriod`: SEN = 1,
/// for UNIT = 0… write SEL = 12 and UNIT, wait LNGF, stop at the first UNIT where LNG[10:0] ≠ 0
/// and LNG[11:10] ≠ 11; the phase count is the highest set bit of LNG[10:0]): cell k (0-11)
/// delays the input clock by (k + 1) × (cellBase + UNIT × cellStep); LNG bit k is the delayed
/// clock's level when the sampler takes it at a rising edge: 1 when the delay modulo the
/// period falls in the clock's high half before the edge. LNGF rises one input period after
/// the CFGR write while SEN = 1 and the OCTOSPI clock runs. The cell delays are plausible
/// orders of magnitude (not datasheet values); the lab does not judge the chosen tap, it only
/// lets a calibrating loader finish, as on silicon.
public final class DelayBlock: Peripheral {
    public let name: String
    public let instance: Int
    public static let cellBasePicoseconds: UInt64 = 100
    public static let cellStepPicoseconds: UInt64 = 25

    let clock: VirtualClock
    let log: SoCEventLog
    /// The input clock (the OCTOSPI's FCLK), 0 when it does not run.
    var inputHz: () -> UInt64 = { 0 }
    public private(set) var cr: UInt32 = 0
    var cfgr: UInt32 = 0
    var lengthValidAt: DeviceTime?

    init(instance: Int, clock: VirtualClock, log: SoCEventLog) {
        self.instance = instance
        self.name = "DLYB_OCTOSPI\(instance)"
        self.clock = clock
        self.log = log
    }

    public var isEnabled: Bool { cr & 1 != 0 }
    public var selectedTap: Int { Int(cfgr & 0xF) }
    public var unit: Int { Int((cfgr >> 8) & 0x7F) }

    /// LNG[11:0] for the current UNIT at `hz`.
    static func length(unit: Int, inputHz hz: UInt64) -> UInt32 {
        guard hz > 0 else { return 0 }
        let period = 1_000_000_000_000 / hz
        let cell = cellBasePicoseconds + UInt64(unit) * cellStepPicoseconds
        var lng: UInt32 = 0
        for k in 0..<12 {
            let phase = (UInt64(k + 1) * cell) % period
            if phase * 2 > period { lng |= 1 << UInt32(k) }
        }
        return lng
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        switch offset & ~3 {
        case 0: return RegisterAccess.extract(cr, offset: offset, width: width)
        case 4:
            var v = cfgr & 0x7F0F
            if cr & 2 != 0, let at = lengthValidAt, clock.now >= at {
                v |= 1 << 31
                v |= DelayBlock.length(unit: unit, inputHz: inputHz()) << 16
            }
            return RegisterAccess.extract(v, offset: offset, width: width)
        default: return 0
        }
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        switch offset & ~3 {
        case 0:
            cr = RegisterAccess.merge(old: cr, offset: offset, width: width, value: value) & 3
            if cr & 2 == 0 { lengthValidAt = nil } else { restartSampler() }
        case 4:
            // SEL and UNIT change only while SEN = 1 (the HAL sets SEN around every CFGR write).
            guard cr & 2 != 0 else {
                log.record(.ignoredWrite(peripheral: name, register: "\(name)_CFGR", value: value,
                                         reason: .locked("DLYB_CR.SEN=0: SEL and UNIT can change only while the length sampler is enabled")))
                return
            }
            cfgr = RegisterAccess.merge(old: cfgr, offset: offset, width: width, value: value) & 0x7F0F
            restartSampler()
        default: break
        }
    }

    private func restartSampler() {
        let hz = inputHz()
        lengthValidAt = hz > 0 ? clock.now + DeviceTime.cycles(1, atHertz: hz) : nil
    }

    func reset() {
        cr = 0
        cfgr = 0
        lengthValidAt = nil
    }
}
