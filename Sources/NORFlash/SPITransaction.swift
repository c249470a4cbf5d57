import VirtualTime

/// How many data lines a phase uses, and whether it samples on both clock edges.
public struct SPIPhaseFormat: Hashable, Sendable, CustomStringConvertible {
    /// 1, 2, 4 or 8.
    public var lines: Int
    public var doubleTransferRate: Bool

    public init(lines: Int, doubleTransferRate: Bool = false) {
        self.lines = lines
        self.doubleTransferRate = doubleTransferRate
    }

    public static let single = SPIPhaseFormat(lines: 1)
    public static let dual = SPIPhaseFormat(lines: 2)
    public static let quad = SPIPhaseFormat(lines: 4)
    public static let octal = SPIPhaseFormat(lines: 8)

    public var description: String { "\(lines)\(doubleTransferRate ? "D" : "")" }
}

/// One chip-select-low to chip-select-high exchange between a controller and a flash
/// chip, as the controller put it on the wires.
///
/// The controller (OCTOSPI model) fills in what its registers asked for; the flash decodes
/// it as the silicon would, whatever the controller meant. A phase that is absent is nil.
public struct SPITransaction: Hashable, Sendable, CustomStringConvertible {
    public enum Direction: Hashable, Sendable {
        case none
        /// The controller reads `count` bytes from the flash.
        case read(count: Int)
        /// The controller sends these bytes to the flash.
        case write([UInt8])
    }

    public var instruction: UInt32?
    /// 1 for every SPI/QPI command; 2 for 8-8-8 commands of octal parts (opcode, then its inverse).
    public var instructionSize: Int
    public var instructionFormat: SPIPhaseFormat

    public var address: UInt32?
    /// 1 to 4 bytes.
    public var addressSize: Int
    public var addressFormat: SPIPhaseFormat

    public var alternateBytes: UInt32?
    public var alternateSize: Int
    public var alternateFormat: SPIPhaseFormat

    /// Clocks between address/alternate phase and data phase.
    public var dummyCycles: Int

    public var direction: Direction
    public var dataFormat: SPIPhaseFormat
    /// The controller latched read data on the flash's DQS strobe (OCTOSPI CCR.DQSE).
    public var dataStrobe: Bool

    public init(
        instruction: UInt32?, instructionSize: Int = 1, instructionFormat: SPIPhaseFormat = .single,
        address: UInt32? = nil, addressSize: Int = 3, addressFormat: SPIPhaseFormat = .single,
        alternateBytes: UInt32? = nil, alternateSize: Int = 1, alternateFormat: SPIPhaseFormat = .single,
        dummyCycles: Int = 0,
        direction: Direction = .none, dataFormat: SPIPhaseFormat = .single, dataStrobe: Bool = false
    ) {
        self.instruction = instruction
        self.instructionSize = instructionSize
        self.instructionFormat = instructionFormat
        self.address = address
        self.addressSize = addressSize
        self.addressFormat = addressFormat
        self.alternateBytes = alternateBytes
        self.alternateSize = alternateSize
        self.alternateFormat = alternateFormat
        self.dummyCycles = dummyCycles
        self.direction = direction
        self.dataFormat = dataFormat
        self.dataStrobe = dataStrobe
    }

    /// Bus clocks the exchange occupies (instruction, address, alternate, dummy, data).
    public var busClocks: UInt64 {
        func clocks(bytes: Int, _ f: SPIPhaseFormat) -> UInt64 {
            let bits = UInt64(bytes * 8)
            let perClock = UInt64(f.lines * (f.doubleTransferRate ? 2 : 1))
            return (bits + perClock - 1) / perClock
        }
        var total: UInt64 = 0
        if instruction != nil { total += clocks(bytes: instructionSize, instructionFormat) }
        if address != nil { total += clocks(bytes: addressSize, addressFormat) }
        if alternateBytes != nil { total += clocks(bytes: alternateSize, alternateFormat) }
        total += UInt64(dummyCycles)
        switch direction {
        case .none: break
        case .read(let n): total += clocks(bytes: n, dataFormat)
        case .write(let bytes): total += clocks(bytes: bytes.count, dataFormat)
        }
        return total
    }

    public var description: String {
        var parts: [String] = []
        if let i = instruction { parts.append(String(format: "%02Xh/%@", i, instructionFormat.description)) }
        if let a = address { parts.append(String(format: "addr 0x%0\(addressSize * 2)X/%d-byte/%@", a, addressSize, addressFormat.description)) }
        if let ab = alternateBytes { parts.append(String(format: "alt 0x%X/%@", ab, alternateFormat.description)) }
        if dummyCycles > 0 { parts.append("\(dummyCycles) dummy") }
        switch direction {
        case .none: break
        case .read(let n): parts.append("read \(n) B/\(dataFormat)")
        case .write(let b): parts.append("write \(b.count) B/\(dataFormat)")
        }
        return parts.joined(separator: " ")
    }
}

/// Something that sits on the far end of the OCTOSPI signal path.
///
/// `exchange` is the whole chip-select-low period; the device returns the bytes it drove
/// on the data lines during a read phase (exactly `count` of them) and nothing otherwise.
/// `now` is the instant chip select rises; a device schedules its busy end from it.
public protocol SPIDevice: AnyObject {
    func exchange(_ transaction: SPITransaction, at now: DeviceTime) -> [UInt8]
    /// When the device will next change state by itself (a program or erase completing),
    /// so a controller that polls can move the clock straight there. Nil when idle.
    var nextSelfTimedChange: DeviceTime? { get }
    /// The device will answer a status read the same way for ever: an operation that never
    /// completes (a stuck part) or no supply. A controller polling it may let time pass
    /// without simulating each poll.
    var isFrozen: Bool { get }
}

import Foundation
