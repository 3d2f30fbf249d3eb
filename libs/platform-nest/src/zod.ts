import { applyDecorators, Body, Param, Query } from '@nestjs/common';
import type { PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import type { FieldError } from './problem.js';
import { RequestValidationError } from './problem.js';

/** Maps zod issues to field-level errors; `location` prefixes the path (body, query, params). */
export function fieldErrors(error: z.ZodError, location: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  location: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(fieldErrors(result.error, location));
  return result.data;
}

export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly location: 'body' | 'query' | 'params',
  ) {}
  transform(value: unknown): z.output<T> {
    return parseOrThrow(
      this.schema,
      value ?? (this.location === 'body' ? undefined : {}),
      this.location,
    );
  }
}

/** OpenAPI schema of a zod schema (zod 4's own JSON Schema output, draft 2020-12 ⊂ OpenAPI 3.1). */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json['$schema'];
  return json;
}

/** `@ValidBody(schema) body: T` — validates the body and documents it in OpenAPI. */
export function ValidBody<T extends z.ZodType>(schema: T): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, 'body'))(target, key, index);
    if (key !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor) {
        applyDecorators(ApiBody({ schema: openApiSchema(schema) }))(target, key, descriptor);
      }
    }
  };
}

export function ValidQuery<T extends z.ZodType>(schema: T): ParameterDecorator {
  return Query(new ZodValidationPipe(schema, 'query'));
}

export function ValidParams<T extends z.ZodType>(schema: T): ParameterDecorator {
  return Param(new ZodValidationPipe(schema, 'params'));
}
