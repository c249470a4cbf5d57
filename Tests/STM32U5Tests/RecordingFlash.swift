import NORFlash
import VirtualTime

/// A test double on the far end of the signal path: records every transaction, answers
/// RDID (9Fh) and RDSR (05h), keeps a sparse byte array programmed by 12h/34h and erased
/// by 21h, and is busy (WIP) for `busyTime` after each program or erase.
/// Any `SPIDevice` can replace it in these tests.
final class RecordingFlash: SPIDevice {
    var received: [SPITransaction] = []
    var memory: [UInt32: UInt8] = [:]
    var statusRegister: UInt8 = 0
    var busyUntil: DeviceTime?
    var busyTime = DeviceTime.microseconds(800)
    let id: [UInt8] = [0x9D, 0x60, 0x1A]

    var nextSelfTimedChange: DeviceTime? { busyUntil }
    var isFrozen: Bool { false }

    func exchange(_ t: SPITransaction, at now: DeviceTime) -> [UInt8] {
        received.append(t)
        if let until = busyUntil, now >= until { busyUntil = nil }
        let wip: UInt8 = busyUntil == nil ? 0 : 1
        switch (t.instruction, t.direction) {
        case (0x9F, .read(let n)):
            return (0..<n).map { $0 < id.count ? id[$0] : 0 }
        case (0x05, .read(let n)):
            return Array(repeating: statusRegister & 0xFE | wip, count: n)
        case (0x01, .write(let bytes)):
            if let b = bytes.first { statusRegister = b & 0xFC }
        case (0x12, .write(let bytes)), (0x34, .write(let bytes)):
            for (i, b) in bytes.enumerated() {
                let a = (t.address ?? 0) &+ UInt32(i)
                memory[a] = (memory[a] ?? 0xFF) & b
            }
            busyUntil = now + busyTime
        case (0x21, _):
            let base = (t.address ?? 0) & ~0xFFF
            for a in base..<(base + 0x1000) { memory[a] = nil }
            busyUntil = now + busyTime
        case (_, .read(let n)):
            // Any other read (0Ch, 6Ch, EBh, ECh, memory-mapped): the array from the address.
            let a = t.address ?? 0
            return (0..<n).map { memory[a &+ UInt32($0)] ?? 0xFF }
        default: break
        }
        return []
    }
}
