/// One STM32U5 line as data: what the lab builds its SoC model from and checks boards against.
///
/// ```
///   MCUDescription ──► STM32U5SoC (which OCTOSPIs, OCTOSPIM or not, DLYBs, HSPI1 stub)
///        │        └──► SimulatedBoard (RAM regions, internal flash)
///        └── pinTable ──► Board.validate, FlashSignalPath (permissive wiring for identify)
/// ```
/// Nothing in a peripheral model names a part number; they read these fields. Members that
/// share a die and a memory map share a description (`members`), so a board may name any of
/// them. Sources: `docs/boards.md` (ST's cmsis-device-u5 headers for memory and instances,
/// zephyr hal_stm32 pinctrl for the alternate functions).
public struct MCUDescription: Hashable, Sendable, CustomStringConvertible {
    public struct RAMRegion: Hashable, Sendable {
        public var name: String
        public var base: UInt32
        public var size: UInt32

        public init(name: String, base: UInt32, size: UInt32) {
            self.name = name
            self.base = base
            self.size = size
        }

        public var end: UInt64 { UInt64(base) + UInt64(size) }
    }

    /// The line, e.g. "STM32U595/U599/U5A5/U5A9".
    public var line: String
    /// Every part number that selects this description ("STM32U599", "STM32U5A9", ...).
    public var members: [String]
    /// SRAM regions, in address order; those that touch form the programmer's RAM.
    public var ram: [RAMRegion]
    /// Internal flash of the largest member (0x0800_0000).
    public var internalFlashBytes: UInt32
    /// OCTOSPI controllers present (1, or 1 and 2).
    public var octospiInstances: [Int]
    /// The OCTOSPI I/O manager; without it OCTOSPI1 drives its own pins (the table's port 1).
    public var hasOCTOSPIM: Bool
    /// DLYB_OCTOSPIn delay blocks present (for DTR sampling).
    public var delayBlocks: [Int]
    /// The HSPI1 (16-line) controller: present on some lines, not modelled by the lab.
    public var hasHSPI1: Bool
    /// Package whose alternate-function table `pinTable` holds (the largest of the line).
    public var pinTablePackage: String
    /// Every pin and AF that carries an OCTOSPI signal: `port` is the OCTOSPIM port (1 or 2),
    /// or 1 for OCTOSPI1's own pins on a line without OCTOSPIM.
    public var pinTable: [OCTOSPIMPinMap.Entry]

    public init(line: String, members: [String], ram: [RAMRegion], internalFlashBytes: UInt32, octospiInstances: [Int],
                hasOCTOSPIM: Bool, delayBlocks: [Int], hasHSPI1: Bool, pinTablePackage: String, pinTable: [OCTOSPIMPinMap.Entry]) {
        self.line = line
        self.members = members
        self.ram = ram
        self.internalFlashBytes = internalFlashBytes
        self.octospiInstances = octospiInstances
        self.hasOCTOSPIM = hasOCTOSPIM
        self.delayBlocks = delayBlocks
        self.hasHSPI1 = hasHSPI1
        self.pinTablePackage = pinTablePackage
        self.pinTable = pinTable
    }

    public var description: String { line }

    /// The contiguous RAM from 0x2000_0000, where the programmer downloads the loader and
    /// places its stack and buffers.
    public var programmerRAM: RAMRegion {
        var end: UInt64 = 0x2000_0000
        for region in ram.sorted(by: { $0.base < $1.base }) where UInt64(region.base) == end { end = region.end }
        return RAMRegion(name: ram.filter { $0.base >= 0x2000_0000 && $0.end <= end }.map(\.name).joined(separator: "+"),
                         base: 0x2000_0000, size: UInt32(end - 0x2000_0000))
    }

    /// OCTOSPIM ports that exist (2 with the OCTOSPIM, 1 for OCTOSPI1's own pins without it).
    public var ports: [Int] { hasOCTOSPIM ? [1, 2] : [1] }

    /// The alternate function that puts `signal` of `port` on `pin`, if any.
    public func alternateFunction(port: Int, signal: FlashSignal, pin: Pin) -> Int? {
        pinTable.first { $0.port == port && $0.signal == signal && $0.pin == pin }?.alternateFunction
    }

    /// Which signal of which port `pin` carries with alternate function `af`, if any.
    public func signal(on pin: Pin, af: Int) -> [OCTOSPIMPinMap.Entry] {
        pinTable.filter { $0.pin == pin && $0.alternateFunction == af }
    }

    public func pins(port: Int, signal: FlashSignal) -> [OCTOSPIMPinMap.Entry] {
        pinTable.filter { $0.port == port && $0.signal == signal }
    }

    /// The port signals `pin` can carry for the flash's `signal`: the same signal for NCS, CLK,
    /// NCLK and DQS; for the flash's IOk, any port line of the same position in its nibble
    /// (IOk or IO(k±4)), because OCTOSPIM_PCRn feeds each port nibble from either nibble of
    /// either OCTOSPI (IOLSRC/IOHSRC). A flash on a port's IO[7:4] pins, or its clock on
    /// one port and its chip select on the other, is wired this way (RM0456 OCTOSPIM).
    /// Without an OCTOSPIM the lines are OCTOSPI1's own, and which nibble carries a flash
    /// is CR.FSEL's business.
    public func carriers(of signal: FlashSignal, pin: Pin) -> [OCTOSPIMPinMap.Entry] {
        pinTable.filter { $0.pin == pin && Self.entry($0, canCarry: signal) }
    }

    /// Whether a pin that carries `entry`'s port signal can carry the flash's `signal` (see
    /// `carriers(of:pin:)`): the same signal, or an IO line of the same nibble position.
    public static func entry(_ entry: OCTOSPIMPinMap.Entry, canCarry signal: FlashSignal) -> Bool {
        guard let k = signal.ioLine else { return entry.signal == signal }
        guard let line = entry.signal.ioLine else { return false }
        return line % 4 == k % 4
    }

    /// The port signal a board's `pin` on alternate function `af` carries for the flash's
    /// `signal`: on `preferredPort` and on the same line when the pin can do several.
    public func carrier(of signal: FlashSignal, pin: Pin, af: Int, preferredPort: Int) -> OCTOSPIMPinMap.Entry? {
        carriers(of: signal, pin: pin).filter { $0.alternateFunction == af }
            .min { rank($0, signal, preferredPort) < rank($1, signal, preferredPort) }
    }

    private func rank(_ entry: OCTOSPIMPinMap.Entry, _ signal: FlashSignal, _ preferredPort: Int) -> Int {
        (entry.port == preferredPort ? 0 : 2) + (entry.signal == signal ? 0 : 1)
    }

    /// The member's own name as the board names it, in upper case ("STM32U5A9").
    public func member(matching name: String) -> String? {
        let wanted = MCUDescription.normalize(name)
        return members.first { wanted.hasPrefix($0) }
    }

    /// "stm32u5a9njh6q" → "STM32U5A9NJH6Q"; "U5A9" → "STM32U5A9".
    static func normalize(_ name: String) -> String {
        let upper = name.uppercased()
        return upper.hasPrefix("STM32") ? upper : "STM32" + upper
    }
}

extension MCUDescription {
    /// The description of the family member `name` ("STM32U545", "stm32u5a9njhxq", "U5G7").
    public static func named(_ name: String) -> MCUDescription? {
        let wanted = normalize(name)
        guard wanted.count >= 9 else { return nil }
        return family.first { $0.members.contains { wanted.hasPrefix($0) } }
    }

    /// Every member name of every line, in family order.
    public static var allMembers: [String] { family.flatMap(\.members) }
}
