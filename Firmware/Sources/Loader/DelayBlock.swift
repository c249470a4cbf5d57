#if OCTAL
/// The delay block (DLYB) in front of each OCTOSPI (RM0456 "Delay block (DLYB)"; registers
/// and bits from stm32u5a9xx.h DLYB_TypeDef: CR at 0x00 with DEN b0, SEN b1; CFGR at 0x04 with
/// SEL b3:0, UNIT b14:8, LNG b27:16, LNGF b31). DLYB_OCTOSPI1 at 0x420C_F000, DLYB_OCTOSPI2
/// at 0x420C_F400. In DTR with DQS the OCTOSPI samples read data on the DQS edges delayed by
/// this block, so it must be calibrated to the flash clock and not bypassed (DCR1.DLYBYP = 0).
///
/// The register protocol is the one ST's LL driver follows (stm32u5xx_ll_dlyb.c,
/// LL_DLYB_GetClockPeriod / LL_DLYB_SetDelay, and the BSPs' "PhaseSel / 4 for DTR"):
///   1. OCTOSPI DCR1.FRCK = 1 (the clock runs without a transfer), DLYB DEN = SEN = 1;
///   2. for UNIT = 0, 1, ... 127: CFGR = SEL 12 | UNIT, wait LNGF; the first UNIT whose LNG
///      b10:0 is not 0 and LNG b11:10 is not 11 spans one clock period over the 12 cells;
///   3. the period in cells is the highest set bit of LNG b10:1; a quarter of it is the phase;
///   4. CFGR = SEL phase | UNIT with SEN = 1, then SEN = 0 (DEN stays 1); abort, FRCK = 0.
struct DelayBlock {
    let base: UInt32

    init(instance: UInt32) { base = instance == 1 ? 0x420C_F000 : 0x420C_F400 }

    var cr: Register { Register(base) }
    var cfgr: Register { Register(base &+ 4) }

    static let den: UInt32 = 1 << 0
    static let sen: UInt32 = 1 << 1
    static let lngf: UInt32 = 1 << 31
    static let allCells: UInt32 = 12

    /// Calibrates for the running flash clock; false when no UNIT spans a period.
    func calibrate(_ spi: OCTOSPI) -> Bool {
        spi.dcr1.set(OCTOSPI.DCR1.frck)
        cr.value = DelayBlock.den | DelayBlock.sen
        var unit: UInt32 = 0
        var length: UInt32 = 0
        while unit < 128 {
            cfgr.value = DelayBlock.allCells | unit << 8
            // No valid length within 1 ms: nothing to measure from (length 0 fails below).
            guard cfgr.wait(DelayBlock.lngf, equals: DelayBlock.lngf, milliseconds: 1) else {
                length = 0
                break
            }
            length = (cfgr.value >> 16) & 0xFFF
            if length & 0x7FF != 0 && length & 0xC00 != 0xC00 { break }
            unit += 1
        }
        var cells: UInt32 = 10
        while cells > 0 && length >> cells == 0 { cells -= 1 }
        let found = unit < 128 && cells != 0
        if found { cfgr.value = cells / 4 | unit << 8 }
        cr.value = found ? DelayBlock.den : 0
        let idle = spi.abort()
        spi.dcr1.clear(OCTOSPI.DCR1.frck)
        return found && idle
    }
}
#endif
