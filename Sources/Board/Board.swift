import Foundation

/// A board as LoaderLab needs to know it: which MCU, which flash part, and how the flash
/// is wired to the OCTOSPI. Read from a JSON file (schema 1: an STM32U5G7/G9 with a quad
/// ISSI part; schema 2: any STM32U5 family member, any catalog part, quad or octal, port 1
/// or 2; docs/boards.md) or taken from the built-in boards (`BuiltInBoards`).
public struct Board: Hashable, Sendable, Codable {
    public struct OCTOSPIWiring: Hashable, Sendable, Codable {
        /// 1 or 2: which OCTOSPI controller drives the flash.
        public var instance: Int
        /// 1 or 2: the OCTOSPIM I/O-manager port the flash pins belong to.
        public var port: Int

        public init(instance: Int, port: Int) {
            self.instance = instance
            self.port = port
        }
    }

    public struct PinAssignment: Hashable, Sendable, Codable {
        public var pin: Pin
        /// Alternate-function number 0-15 written to GPIOx_AFRL/AFRH.
        public var af: Int

        public init(pin: Pin, af: Int) {
            self.pin = pin
            self.af = af
        }
    }

    /// The OCTOSPI kernel clock a loader should run the flash at.
    public struct Clock: Hashable, Sendable, Codable {
        /// SYSCLK the loader raises the core to (PLL1 from MSIS); the kernel clock
        /// (CCIPR2.OCTOSPISEL = SYSCLK) follows it.
        public var sysclkHz: UInt32
        /// FCLK = kernel clock / divider (DCR2.PRESCALER = divider - 1), 1-256.
        public var octospiDivider: Int
        /// The board's HSE crystal or external clock on OSC_IN, if it has one: a loader
        /// written for the board's application often starts HSE and feeds PLL1 from it
        /// (CubeMX's SystemClock_Config). Absent: HSERDY never rises.
        public var hseHz: UInt32?

        public init(sysclkHz: UInt32, octospiDivider: Int, hseHz: UInt32? = nil) {
            self.sysclkHz = sysclkHz
            self.octospiDivider = octospiDivider
            self.hseHz = hseHz
        }
    }

    public var schema: Int
    public var name: String
    /// The family member's description (`mcu` is validated against the family).
    public var mcuDescription: MCUDescription { MCUDescription.named(mcu) ?? .stm32u5f7 }
    /// IO4-IO7 are wired: an octal flash.
    public var isOctal: Bool { FlashSignal.upperData.allSatisfy { pins[$0] != nil } }
    public var mcu: String
    public var flash: String
    public var octospi: OCTOSPIWiring
    public var pins: [FlashSignal: PinAssignment]
    public var clock: Clock

    public init(schema: Int = 1, name: String, mcu: String, flash: String, octospi: OCTOSPIWiring,
                pins: [FlashSignal: PinAssignment], clock: Clock) {
        self.schema = schema
        self.name = name
        self.mcu = mcu
        self.flash = flash
        self.octospi = octospi
        self.pins = pins
        self.clock = clock
    }

    /// The board of the problem statement: STM32U5G7 with an IS25LP512M on OCTOSPI1,
    /// OCTOSPIM port 1, NCS PA2, CLK PB10, IO0 PE12, IO1 PB0, IO2 PE14, IO3 PE15, all AF10.
    public static let defaultBoard = Board(
        name: "stm32u5g7-is25lp512m",
        mcu: "STM32U5G7",
        flash: "IS25LP512M",
        octospi: OCTOSPIWiring(instance: 1, port: 1),
        pins: [
            .ncs: PinAssignment(pin: Pin("PA2")!, af: 10),
            .clk: PinAssignment(pin: Pin("PB10")!, af: 10),
            .io0: PinAssignment(pin: Pin("PE12")!, af: 10),
            .io1: PinAssignment(pin: Pin("PB0")!, af: 10),
            .io2: PinAssignment(pin: Pin("PE14")!, af: 10),
            .io3: PinAssignment(pin: Pin("PE15")!, af: 10),
        ],
        clock: Clock(sysclkHz: 160_000_000, octospiDivider: 2)
    )

    enum CodingKeys: String, CodingKey { case schema, name, mcu, flash, octospi, pins, clock }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(Int.self, forKey: .schema)
        name = try c.decode(String.self, forKey: .name)
        mcu = try c.decode(String.self, forKey: .mcu)
        flash = try c.decode(String.self, forKey: .flash)
        octospi = try c.decode(OCTOSPIWiring.self, forKey: .octospi)
        let raw = try c.decode([String: PinAssignment].self, forKey: .pins)
        var pins: [FlashSignal: PinAssignment] = [:]
        for (key, value) in raw {
            guard let signal = FlashSignal(rawValue: key.lowercased()) else {
                throw DecodingError.dataCorruptedError(forKey: .pins, in: c, debugDescription: "unknown signal '\(key)'; expected ncs, clk, io0-io7, dqs, nclk")
            }
            pins[signal] = value
        }
        self.pins = pins
        clock = try c.decode(Clock.self, forKey: .clock)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(name, forKey: .name)
        try c.encode(mcu, forKey: .mcu)
        try c.encode(flash, forKey: .flash)
        try c.encode(octospi, forKey: .octospi)
        var raw: [String: PinAssignment] = [:]
        for (k, v) in pins { raw[k.rawValue] = v }
        try c.encode(raw, forKey: .pins)
        try c.encode(clock, forKey: .clock)
    }
}
