/// GPIO ports A..J (RM0456 §13): base 0x4202_0000 + 0x400 * port (stm32u5g7xx.h).
struct GPIOPort {
    let base: UInt32

    init(index: UInt32) { base = 0x4202_0000 &+ 0x400 &* index }

    var moder: Register { Register(base &+ 0x00) }
    var otyper: Register { Register(base &+ 0x04) }
    var ospeedr: Register { Register(base &+ 0x08) }
    var pupdr: Register { Register(base &+ 0x0C) }
    var afrl: Register { Register(base &+ 0x20) }
    var afrh: Register { Register(base &+ 0x24) }

    /// Alternate function, push-pull, very high speed, optional pull-up. The AF number and
    /// speed are written before MODER switches the pin, so it never drives a wrong signal.
    func configureAlternateFunction(pin: UInt32, af: UInt32, pullUp: Bool) {
        let afr = pin < 8 ? afrl : afrh
        let afShift = (pin & 7) * 4
        afr.replace(0xF << afShift, with: af << afShift)
        otyper.clear(1 << pin)
        let twoBitShift = pin * 2
        ospeedr.replace(0b11 << twoBitShift, with: 0b11 << twoBitShift)  // very high speed
        pupdr.replace(0b11 << twoBitShift, with: (pullUp ? 0b01 : 0b00) << twoBitShift)
        moder.replace(0b11 << twoBitShift, with: 0b10 << twoBitShift)  // alternate function
    }
}
