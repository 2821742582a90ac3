/* GPIO: outputs for LEDs, inputs with pull-up for buttons. */
#include "drivers.h"
#include "regs/gpio.h"

void gpio_output(uint32_t pin, int level) {
    gpio_write(pin, level);
    GPIO_PIN_CNF(NRF_PIN_PORT_BASE(pin), NRF_PIN_NUM(pin)) =
        GPIO_CNF_DIR_OUTPUT | GPIO_CNF_INPUT_DISCONNECT | GPIO_CNF_PULL_DISABLED | GPIO_CNF_DRIVE_S0S1;
}

void gpio_write(uint32_t pin, int level) {
    if (level)
        GPIO_OUTSET(NRF_PIN_PORT_BASE(pin)) = 1u << NRF_PIN_NUM(pin);
    else
        GPIO_OUTCLR(NRF_PIN_PORT_BASE(pin)) = 1u << NRF_PIN_NUM(pin);
}

void gpio_input_pullup(uint32_t pin) {
    GPIO_PIN_CNF(NRF_PIN_PORT_BASE(pin), NRF_PIN_NUM(pin)) = GPIO_CNF_PULL_UP | GPIO_CNF_SENSE_DISABLED;
}

int gpio_read(uint32_t pin) { return (int)((GPIO_IN(NRF_PIN_PORT_BASE(pin)) >> NRF_PIN_NUM(pin)) & 1u); }
