/* CPU feature queries. */
#include "arch/cpu.h"
#include "arch/sysreg.h"

bool arch_has_vhe(void)
{
	return cpu_has_vhe();
}
