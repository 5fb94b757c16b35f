package org.shadowbench.devices.keyboard;

import java.util.ArrayDeque;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineDevice;

/**
 * The 8042 keyboard controller with a PS/2 keyboard: data port 0x60, status and command port
 * 0x64. Controller commands (read and write the command byte, self tests, disable and enable the
 * keyboard and the auxiliary port, read and write the output port, pulse reset) and keyboard
 * commands (reset, enable, disable, set LEDs, echo, identify, scan code set, typematic rate)
 * answer as the hardware does, with 0xfa acknowledgements. Keys typed by the user
 * ({@link #type(String)}, {@link #press(int)}) arrive as scan code set 1 make and break codes (set 2
 * translated, the PC default) and raise IRQ 1 while the command byte enables it.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=keyboard")
public final class Keyboard8042 implements MachineDevice, IoPortHandler {
    private static final int STATUS_OUTPUT_FULL = 0x01;
    private static final int STATUS_SYSTEM = 0x04;
    private static final int STATUS_COMMAND = 0x08;
    private static final int STATUS_UNLOCKED = 0x10;
    private static final int COMMAND_IRQ1 = 0x01;
    private static final int COMMAND_KEYBOARD_DISABLED = 0x10;

    /** Scan code set 1 make codes for printable ASCII (0 where a key needs shift or does not exist). */
    private static final String KEYS = "\0\u00011234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
    private static final String SHIFTED = "\0\u0001!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";
    private static final int LEFT_SHIFT = 0x2a;

    private final ArrayDeque<Integer> output = new ArrayDeque<>();
    private int commandByte;
    private int status;
    /** A controller command waiting for its data byte on port 0x60, or 0. */
    private int pendingControllerCommand;
    /** A keyboard command waiting for its argument byte, or 0. */
    private int pendingKeyboardCommand;
    private boolean scanning;
    private int leds;
    private int outputPort;
    private DeviceContext context;
    private long resetsRequested;

    public Keyboard8042() {
        reset();
    }

    @Override
    public String name() {
        return "keyboard";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(0x60, 1, this);
        deviceContext.io().register(0x64, 1, this);
        context = deviceContext;
    }

    @Override
    public void detach() {
        if (context != null) {
            context.io().unregister(this);
            context = null;
        }
    }

    @Override
    public void reset() {
        output.clear();
        commandByte = 0x45;
        status = STATUS_SYSTEM | STATUS_UNLOCKED;
        pendingControllerCommand = 0;
        pendingKeyboardCommand = 0;
        scanning = true;
        leds = 0;
        outputPort = 0xcf;
    }

    /** Types text: each character as its make and break codes (with shift where needed). */
    public void type(String text) {
        for (char c : text.toCharArray()) {
            int code = KEYS.indexOf(c);
            boolean shifted = false;
            if (code <= 0) {
                code = SHIFTED.indexOf(c);
                shifted = code > 0;
            }
            if (code <= 0) {
                throw new IllegalArgumentException("no key types '" + c + "' on a US keyboard");
            }
            if (shifted) {
                keyEvent(LEFT_SHIFT);
            }
            press(code);
            if (shifted) {
                release(LEFT_SHIFT);
            }
        }
    }

    /** Presses and releases a key by its set 1 make code. */
    public void press(int makeCode) {
        keyEvent(makeCode);
        release(makeCode);
    }

    private void release(int makeCode) {
        keyEvent(makeCode | 0x80);
    }

    private void keyEvent(int code) {
        if (scanning && (commandByte & COMMAND_KEYBOARD_DISABLED) == 0) {
            enqueue(code);
        }
    }

    /** Bytes waiting for the guest. */
    public int pendingBytes() {
        return output.size();
    }

    /** Times the guest pulsed the CPU reset line (command 0xfe). */
    public long resetsRequested() {
        return resetsRequested;
    }

    /** The LED state the guest set (bit 0 scroll, 1 num, 2 caps lock). */
    public int leds() {
        return leds;
    }

    private void enqueue(int value) {
        output.add(value & 0xff);
        interrupt();
    }

    private void interrupt() {
        if (!output.isEmpty() && (commandByte & COMMAND_IRQ1) != 0 && context != null) {
            context.interrupts().pulse(1);
        }
    }

    @Override
    public int read(int port, int size) {
        if (port == 0x64) {
            return status | (output.isEmpty() ? 0 : STATUS_OUTPUT_FULL);
        }
        Integer value = output.poll();
        if (!output.isEmpty()) {
            interrupt();
        }
        return value == null ? 0 : value;
    }

    @Override
    public void write(int port, int size, int value) {
        int data = value & 0xff;
        if (port == 0x64) {
            status |= STATUS_COMMAND;
            controllerCommand(data);
        } else {
            status &= ~STATUS_COMMAND;
            dataByte(data);
        }
    }

    private void controllerCommand(int command) {
        switch (command) {
            case 0x20 -> enqueue(commandByte);
            case 0x60, 0xd1, 0xd2, 0xd4 -> pendingControllerCommand = command;
            case 0xa7 -> commandByte |= 0x20;
            case 0xa8 -> commandByte &= ~0x20;
            case 0xa9 -> enqueue(0x00);
            case 0xaa -> {
                commandByte |= 0x04;
                enqueue(0x55);
            }
            case 0xab -> enqueue(0x00);
            case 0xad -> commandByte |= COMMAND_KEYBOARD_DISABLED;
            case 0xae -> commandByte &= ~COMMAND_KEYBOARD_DISABLED;
            case 0xd0 -> enqueue(outputPort);
            case 0xfe -> resetsRequested++;
            default -> {
                // Unknown and pulse-output commands other than reset are ignored, as on most controllers.
            }
        }
    }

    private void dataByte(int data) {
        if (pendingControllerCommand != 0) {
            int command = pendingControllerCommand;
            pendingControllerCommand = 0;
            switch (command) {
                case 0x60 -> {
                    commandByte = data;
                    interrupt();
                }
                case 0xd1 -> outputPort = data;
                case 0xd2 -> enqueue(data);
                default -> {
                    // 0xd4: to the auxiliary device, which is not there.
                }
            }
            return;
        }
        if (pendingKeyboardCommand != 0) {
            int command = pendingKeyboardCommand;
            pendingKeyboardCommand = 0;
            if (command == 0xed) {
                leds = data & 7;
            } else if (command == 0xf0 && data == 0) {
                enqueue(0xfa);
                enqueue(0x02);
                return;
            }
            enqueue(0xfa);
            return;
        }
        switch (data) {
            case 0xff -> {
                output.clear();
                scanning = true;
                enqueue(0xfa);
                enqueue(0xaa);
            }
            case 0xf4 -> {
                scanning = true;
                enqueue(0xfa);
            }
            case 0xf5 -> {
                scanning = false;
                enqueue(0xfa);
            }
            case 0xf6 -> enqueue(0xfa);
            case 0xed, 0xf0, 0xf3 -> {
                pendingKeyboardCommand = data;
                enqueue(0xfa);
            }
            case 0xee -> enqueue(0xee);
            case 0xf2 -> {
                enqueue(0xfa);
                enqueue(0xab);
                enqueue(0x41);
            }
            default -> enqueue(0xfe);
        }
    }
}
