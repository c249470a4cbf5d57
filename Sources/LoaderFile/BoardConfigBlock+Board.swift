import Board

extension BoardConfigBlock {
    /// The signals that get the pull-up by default. NCS must idle high between commands, and
    /// IO2/IO3 are WP# and HOLD# while the flash's QE bit is 0 (IS25LP512M datasheet §6.1), so
    /// none of the three may float before `Init` has configured the flash. CLK, IO0 and IO1
    /// are driven by the OCTOSPI or the flash whenever they matter.
    public static let pulledUpSignals: Set<FlashSignal> = [.ncs, .io2, .io3]

    /// The block for a board, pull-ups on `pulledUpSignals`: v2 (the MCU's OCTOSPIM and RAM,
    /// the octal pins) unless `version` is 1. Nil when the board lacks one of the six pins,
    /// holds a value that does not fit its field, or needs v2 (no OCTOSPIM, octal) while v1 is
    /// asked for (a board that passed `Board.validate(file:)` converts to v2).
    public init?(board: Board, version: UInt16 = BoardConfigBlock.currentVersion) {
        func entry(_ signal: FlashSignal) -> PinEntry? {
            guard let assignment = board.pins[signal],
                  let port = UInt8(exactly: assignment.pin.port), port <= 9,
                  let number = UInt8(exactly: assignment.pin.number), number <= 15,
                  let af = UInt8(exactly: assignment.af), af <= 15
            else { return nil }
            return PinEntry(gpioPort: port, pin: number, alternateFunction: af, pullUp: Self.pulledUpSignals.contains(signal))
        }
        var entries: [PinEntry] = []
        for signal in FlashSignal.quad {
            guard let pin = entry(signal) else { return nil }
            entries.append(pin)
        }
        let mcu = board.mcuDescription
        var flags: UInt32 = mcu.hasOCTOSPIM ? 0 : Self.flagNoOCTOSPIM
        var upper: [PinEntry] = []
        if board.isOctal {
            flags |= Self.flagOctal
            for signal in FlashSignal.upperData + [.dqs] {
                upper.append(entry(signal) ?? .unused)
            }
        }
        guard version == 2 || flags == 0,
              let divider = UInt16(exactly: board.clock.octospiDivider),
              let instance = UInt8(exactly: board.octospi.instance),
              let port = UInt8(exactly: board.octospi.port)
        else { return nil }
        let ram = mcu.programmerRAM
        self.init(sysclkHz: board.clock.sysclkHz, octospiDivider: divider, instance: instance, port: port, pins: entries,
                  version: version, flags: flags, upperPins: upper, ramBase: ram.base, ramSize: ram.size)
    }
}
