/* nRF52840 entry: board bring-up, then the application (app_main: the smoke app now, the XS platform later). */
#include "../boards/hal.h"

int main(void) {
    hal_init();
    app_main();
    for (;;) {
        hal_poll();
        hal_idle();
    }
}
