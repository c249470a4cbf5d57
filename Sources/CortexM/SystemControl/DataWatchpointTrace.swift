import VirtualTime

/// DWT (0xE000_1000): CTRL and the cycle counter CYCCNT. CYCCNT counts processor cycles
/// of the virtual clock while DEMCR.TRCENA and CTRL.CYCCNTENA are both set (the machine
/// charges one cycle per retired instruction, plus whatever time peripherals add).
/// CTRL resets to 0x4000_0000: NUMCOMP = 4 comparators on the Cortex-M33.
public final class DataWatchpointTrace: Peripheral {
    public let name = "DWT"
    public private(set) var control: UInt32 = 0x4000_0000
    private var countAtOrigin: UInt32 = 0
    private var originTime = DeviceTime.zero
    private var counting = false
    private var originHz: UInt64 = 0
    private let clock: VirtualClock
    private let debug: DebugControlBlock
    private let log: EventLog
    /// CYCCNT reads while it was not counting (DEMCR.TRCENA or CTRL.CYCCNTENA clear): a delay
    /// loop on it never ends, which the diagnosis names.
    public private(set) var readsWhileStopped: UInt64 = 0

    init(clock: VirtualClock, debug: DebugControlBlock, log: EventLog) {
        self.clock = clock
        self.debug = debug
        self.log = log
    }

    public var cycleCount: UInt32 {
        syncCounting()
        guard counting else { return countAtOrigin }
        let cycles = (clock.now - originTime).cycles(atHertz: max(originHz == 0 ? clock.coreFrequencyHz : originHz, 1))
        return countAtOrigin &+ UInt32(truncatingIfNeeded: cycles)
    }

    /// TRCENA lives in another block: re-check it whenever CYCCNT is touched.
    private func syncCounting() {
        let shouldCount = debug.traceEnabled && control & 1 != 0
        guard shouldCount != counting else { return }
        if counting {
            let cycles = (clock.now - originTime).cycles(atHertz: max(originHz == 0 ? clock.coreFrequencyHz : originHz, 1))
            countAtOrigin = countAtOrigin &+ UInt32(truncatingIfNeeded: cycles)
        }
        originTime = clock.now
        originHz = clock.coreFrequencyHz
        counting = shouldCount
    }

    /// The core clock changed: count up to now at the old rate, then at the new one.
    func coreClockChanged() {
        countAtOrigin = cycleCount
        originTime = clock.now
        originHz = clock.coreFrequencyHz
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        let word: UInt32
        switch offset & ~3 {
        case 0x0: word = control
        case 0x4:
            word = cycleCount
            if !counting { readsWhileStopped &+= 1 }
        default: word = 0
        }
        return lane(of: word, offset: offset, width: width)
    }

    func write(offset: UInt32, value: UInt32, mask: UInt32) {
        switch offset & ~3 {
        case 0x0:
            let wasOn = control & 1 != 0
            let current = cycleCount
            control = (control & 0xF000_0000) | ((control & ~mask | value & mask) & 0x0FFF_FFFF)
            countAtOrigin = current
            originTime = clock.now
            originHz = clock.coreFrequencyHz
            if wasOn != (control & 1 != 0) { log.record(.cycleCounterEnabled(control & 1 != 0)) }
            syncCounting()
        case 0x4:
            syncCounting()
            countAtOrigin = (cycleCount & ~mask) | (value & mask)
            originTime = clock.now
            originHz = clock.coreFrequencyHz
        default:
            break
        }
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        let shift = (offset & 3) * 8
        let mask: UInt32 = width == .word ? 0xFFFF_FFFF : ((width == .byte ? 0xFF : 0xFFFF) << shift)
        write(offset: offset, value: value << shift, mask: mask)
    }
}
