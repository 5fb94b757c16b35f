/* Multiboot entry, interrupt stubs and the fault-recovery context switch of the guest runtime. */
    .section .multiboot
    .align 4
    .long 0x1BADB002
    .long 0x00000003
    .long -(0x1BADB002 + 0x00000003)

    .text
    .globl _start
_start:
    mov $stack_top, %esp
    push %ebx
    push %eax
    call runtime_init
    call guest_main
    push %eax
    call guest_exit
1:  hlt
    jmp 1b

/* Exception and interrupt stubs: push a zero error code where the CPU pushes none, then the vector. */
.macro stub vector, has_error
    .globl isr\vector
isr\vector:
    .if \has_error == 0
    push $0
    .endif
    push $\vector
    jmp isr_common
.endm

    stub 0, 0
    stub 1, 0
    stub 2, 0
    stub 3, 0
    stub 4, 0
    stub 5, 0
    stub 6, 0
    stub 7, 0
    stub 8, 1
    stub 9, 0
    stub 10, 1
    stub 11, 1
    stub 12, 1
    stub 13, 1
    stub 14, 1
    stub 15, 0
    stub 16, 0
    stub 17, 1
    stub 18, 0
    stub 19, 0
    stub 128, 0
    stub 32, 0
    stub 33, 0
    stub 34, 0
    stub 35, 0
    stub 36, 0
    stub 37, 0
    stub 38, 0
    stub 39, 0
    stub 40, 0
    stub 41, 0
    stub 42, 0
    stub 43, 0
    stub 44, 0
    stub 45, 0
    stub 46, 0
    stub 47, 0
    stub 48, 0
    stub 49, 0
    stub 50, 0
    stub 51, 0
    stub 52, 0
    stub 53, 0
    stub 54, 0
    stub 55, 0
    stub 56, 0
    stub 57, 0
    stub 58, 0
    stub 59, 0
    stub 60, 0
    stub 61, 0
    stub 62, 0
    stub 63, 0
    stub 255, 0

isr_common:
    pusha
    mov %ds, %eax
    push %eax
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    push %esp
    call trap_dispatch
    add $4, %esp
    pop %eax
    mov %ax, %ds
    mov %ax, %es
    popa
    add $8, %esp
    iret

/* int save_context(struct context *c): returns 0; resume_context(c, v) makes it return v. */
    .globl save_context
save_context:
    mov 4(%esp), %eax
    mov %ebx, 0(%eax)
    mov %esi, 4(%eax)
    mov %edi, 8(%eax)
    mov %ebp, 12(%eax)
    lea 4(%esp), %ecx
    mov %ecx, 16(%eax)
    mov (%esp), %ecx
    mov %ecx, 20(%eax)
    xor %eax, %eax
    ret

    .globl resume_context
resume_context:
    mov 4(%esp), %edx
    mov 8(%esp), %eax
    mov 0(%edx), %ebx
    mov 4(%edx), %esi
    mov 8(%edx), %edi
    mov 12(%edx), %ebp
    mov 16(%edx), %esp
    jmp *20(%edx)

    .bss
    .align 16
    .space 65536
stack_top:

    .section .note.GNU-stack,"",@progbits
