// A next/link that looks like a Button: for navigation ("New application", "Go to the home page").
import Link from 'next/link';
import type { ComponentProps, ReactNode } from 'react';
import { buttonClassName, type ButtonSize, type ButtonVariant } from './button';

export type ButtonLinkProps = ComponentProps<typeof Link> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  fullWidth?: boolean;
  /** A leading decorative icon. */
  icon?: ReactNode;
};

export function ButtonLink({ variant, size, fullWidth, icon, className, children, ...props }: ButtonLinkProps) {
  return (
    <Link className={buttonClassName({ variant, size, fullWidth, className })} {...props}>
      {icon}
      {children}
    </Link>
  );
}
