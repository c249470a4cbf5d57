import CortexM

/// The indirect-mode transfer loop in C (`BusWindow`): a driver that moves one byte per DR
/// access reads SR before each (HAL_OSPI_Transmit waits for FTF, HAL_OSPI_Receive for FTF or
/// TCF), and in this model neither access changes anything but the bytes until the access
/// that completes the transfer: SR's value depends on the activity and the FIFO level, which
/// stays 32 while more than 32 bytes of a read are left.
extension OCTOSPI: WindowedPeripheral {
    /// Bytes one window moves at most; a read copies that many ahead.
    static let windowBytes = 2048

    public func openBusWindow() -> BusWindow? {
        guard gate.isOn() else { return nil }
        switch activity {
        case .idle:
            return BusWindow(statusOffset: Offset.sr, statusValue: status, dataOffset: Offset.dr, data: .none)
        case .indirectWrite(_, let expected, let bytes):
            // A data-register write marks the block out of reset on the Swift path.
            guard !boundary.atReset else { return nil }
            let room = min(expected - bytes.count - 1, OCTOSPI.windowBytes)
            return BusWindow(statusOffset: Offset.sr, statusValue: status, dataOffset: Offset.dr,
                             data: room > 0 ? .write(windowBuffer, limit: room) : .none)
        case .indirectRead(let data, let next):
            // With 32 bytes or fewer left, each read changes SR (FIFO level, TCF).
            let room = min(data.count - next - OCTOSPI.fifoBytes - 1, OCTOSPI.windowBytes)
            guard room > 0 else { return nil }
            data.withUnsafeBufferPointer { windowBuffer.update(from: $0.baseAddress! + next, count: room) }
            return BusWindow(statusOffset: Offset.sr, statusValue: status, dataOffset: Offset.dr, data: .read(windowBuffer, limit: room))
        case .polling, .memoryMapped:
            return nil
        }
    }

    public func busWindowClosed(bytesMoved: Int) {
        guard bytesMoved > 0 else { return }
        switch activity {
        case .indirectWrite(let address, let expected, var bytes):
            // Drop the activity's reference first, so the append does not copy the page so far.
            activity = .idle
            bytes.append(contentsOf: UnsafeBufferPointer(start: windowBuffer, count: bytesMoved))
            activity = .indirectWrite(address: address, expected: expected, bytes: bytes)
        case .indirectRead(let data, let next):
            activity = .indirectRead(data: data, next: next + bytesMoved)
        case .idle, .polling, .memoryMapped:
            preconditionFailure("\(name): a bus window moved \(bytesMoved) bytes outside an indirect transfer")
        }
    }
}
