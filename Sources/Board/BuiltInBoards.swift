import Foundation

/// Boards compiled into the binary, so `--board NAME` works from any folder with no file.
///
/// The first four are the repository's `Boards/*.json` (a test keeps them equal); the others
/// are the wirings of public loaders for ST and NUCLEO boards (their authors' pin lists,
/// checked against each MCU line's pin table).
public enum BuiltInBoards {
    static func board(_ name: String, _ mcu: String, _ flash: String, instance: Int = 1, port: Int = 1,
                      _ pins: [(FlashSignal, String, Int)], sysclkHz: UInt32 = 160_000_000, divider: Int = 2) -> Board {
        var map: [FlashSignal: Board.PinAssignment] = [:]
        for (signal, pin, af) in pins { map[signal] = Board.PinAssignment(pin: Pin(pin)!, af: af) }
        let octal = FlashSignal.upperData.allSatisfy { map[$0] != nil }
        let schema = (mcu == "STM32U5G7" && !octal && map[.dqs] == nil && flash.hasPrefix("IS25")) ? 1 : 2
        return Board(schema: schema, name: name, mcu: mcu, flash: flash, octospi: .init(instance: instance, port: port),
                     pins: map, clock: .init(sysclkHz: sysclkHz, octospiDivider: divider))
    }

    static let defaultPins: [(FlashSignal, String, Int)] = [
        (.ncs, "PA2", 10), (.clk, "PB10", 10), (.io0, "PE12", 10), (.io1, "PB0", 10), (.io2, "PE14", 10), (.io3, "PE15", 10),
    ]

    public static let all: [Board] = [
        Board.defaultBoard,
        board("stm32u5g7-is25lp512m-alt-pins", "STM32U5G7", "IS25LP512M",
              [(.ncs, "PB11", 10), (.clk, "PA3", 10), (.io0, "PB1", 10), (.io1, "PE13", 10), (.io2, "PA7", 10), (.io3, "PA6", 10)]),
        board("stm32u5g7-is25lp512m-porte", "STM32U5G7", "IS25LP512M",
              [(.ncs, "PE11", 10), (.clk, "PE10", 10), (.io0, "PE12", 10), (.io1, "PE13", 10), (.io2, "PE14", 10), (.io3, "PE15", 10)],
              sysclkHz: 120_000_000),
        board("stm32u5g7-is25lp512m-octospi2", "STM32U5G7", "IS25LP512M", instance: 2, defaultPins),
        // NUCLEO-U5A5ZJ-Q class with a W25Q512 on the default quad pins (CLIVEONE-W25Q512_STM32U599-PB10-PA2-PE12-PB0-PE14-PE15).
        board("stm32u599-w25q512jv", "STM32U599", "W25Q512JV", defaultPins),
        // NUCLEO-U545RE-Q with a W25Q128 (CLIVEONE-W25Q128_STM32U545-PB10-PA4-PB1-PB0-PA7-PA6).
        board("stm32u545-w25q128jv", "STM32U545", "W25Q128JV",
              [(.ncs, "PA4", 3), (.clk, "PB10", 10), (.io0, "PB1", 10), (.io1, "PB0", 10), (.io2, "PA7", 10), (.io3, "PA6", 10)]),
        // STM32U5A9J-DK class: MX25LM51245G octal DTR on OCTOSPIM port 1 with DQS.
        board("stm32u5a9-mx25lm51245g", "STM32U5A9", "MX25LM51245G",
              [(.ncs, "PA2", 10), (.clk, "PF10", 3), (.dqs, "PA1", 10), (.io0, "PF8", 10), (.io1, "PF9", 10), (.io2, "PA7", 10),
               (.io3, "PA6", 10), (.io4, "PC1", 10), (.io5, "PC2", 10), (.io6, "PC3", 10), (.io7, "PC0", 3)]),
        // B-U585I-IOT02A: MX25LM51245G octal on OCTOSPI2 through OCTOSPIM port 2, all AF5
        // (ST's BSP b_u585i_iot02a_ospi.h: CLK PF4, DQS PF12, NCS PI5, D0-D3 PF0-PF3, D4-D7
        // PH9-PH12; OCTOSPI1 drives the board's PSRAM on port 1).
        board("stm32u585-mx25lm51245g", "STM32U585", "MX25LM51245G", instance: 2, port: 2,
              [(.ncs, "PI5", 5), (.clk, "PF4", 5), (.dqs, "PF12", 5), (.io0, "PF0", 5), (.io1, "PF1", 5), (.io2, "PF2", 5),
               (.io3, "PF3", 5), (.io4, "PH9", 5), (.io5, "PH10", 5), (.io6, "PH11", 5), (.io7, "PH12", 5)]),
    ]

    public static func named(_ name: String) -> Board? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}

extension Board {
    /// `--board`: a built-in board's name, or a JSON file.
    public static func resolve(_ nameOrPath: String) throws(BoardError) -> Board {
        if let builtIn = BuiltInBoards.named(nameOrPath) {
            try builtIn.validate(file: "built-in board \(builtIn.name)")
            return builtIn
        }
        if !FileManager.default.fileExists(atPath: nameOrPath), !nameOrPath.hasSuffix(".json") {
            throw .unreadable(file: nameOrPath, reason: "no such file, and no built-in board of that name (built-in: "
                              + BuiltInBoards.all.map(\.name).joined(separator: ", ") + ")")
        }
        return try load(path: nameOrPath)
    }
}
